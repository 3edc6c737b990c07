package dev.vicinity.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The fields of an outbound frame, written straight to Jackson's streaming generator (no tree is
 * built): {@link ClientContext#push(String, FrameFields)}. The gateway has already opened the frame's
 * object and written {@code type}; the implementation writes its fields (names and values) and
 * nothing else, and must not keep the generator. Called once, on the pushing thread.
 */
@FunctionalInterface
public interface FrameFields {
    /**
     * Writes the frame's fields to {@code fields}.
     *
     * @param fields the generator, positioned inside the frame's object
     * @throws IOException if writing fails
     */
    void write(JsonGenerator fields) throws IOException;

    /**
     * Whether this writes exactly what {@code previous} wrote (the same message pushed to several
     * connections): then the gateway may reuse the text it made for {@code previous} on this thread
     * instead of writing the frame again. Default: false.
     *
     * @param previous the fields of the frame this thread wrote last
     */
    default boolean sameFrameAs(FrameFields previous) {
        return false;
    }
}
