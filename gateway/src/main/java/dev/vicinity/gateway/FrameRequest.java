package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import java.util.Optional;

/**
 * One request frame handed to a module's {@link FrameHandler}: typed field accessors that answer bad
 * input with {@code invalid_field}, and a reply channel that sends at most one answer. Not
 * thread-safe: used on the thread delivering the frame.
 */
final class FrameRequest implements Request {
    private final GatewayConnection c;
    private final Outbound out;
    private final String type;
    private final String id;
    private final JsonNode frame;
    private boolean answered;

    FrameRequest(GatewayConnection c, Outbound out, String type, String id, JsonNode frame) {
        this.c = c;
        this.out = out;
        this.type = type;
        this.id = id;
        this.frame = frame;
    }

    boolean answered() {
        return answered;
    }

    /** Answers with an error unless the handler already answered. */
    void answerOnce(String code, String message) {
        if (!answered) {
            error(code, message);
        }
    }

    /** Answers {@code code} with {@code retryAfterMs} unless the handler already answered. */
    void answerOnce(String code, String message, long retryAfterMs) {
        if (!answered) {
            answered = true;
            out.error(c, id, code, message, retryAfterMs);
        }
    }

    @Override
    public ConnectionId connection() {
        return c.connection();
    }

    @Override
    public UserId user() {
        return c.user();
    }

    @Override
    public DeviceId device() {
        return c.device();
    }

    @Override
    public boolean push(String pushType, ObjectNode body) {
        return c.push(pushType, body);
    }

    @Override
    public boolean push(String pushType, FrameFields fields) {
        return c.push(pushType, fields);
    }

    @Override
    public ObjectNode newObject() {
        return out.codec().newObject();
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public JsonNode frame() {
        return frame;
    }

    private static InvalidInputException invalid(String field, String expected) {
        return new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, field + ": expected " + expected);
    }

    @Override
    public String text(String field, int maxLength) {
        JsonNode n = frame.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty() || n.asText().length() > maxLength) {
            throw invalid(field, "a string of 1.." + maxLength + " characters");
        }
        return n.asText();
    }

    @Override
    public Optional<String> optionalText(String field, int maxLength) {
        JsonNode n = frame.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual() || n.asText().length() > maxLength) {
            throw invalid(field, "a string of at most " + maxLength + " characters");
        }
        return Optional.of(n.asText());
    }

    @Override
    public long integer(String field, long min, long max) {
        JsonNode n = frame.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw invalid(field, "an integer in [" + min + ", " + max + "]");
        }
        return n.asLong();
    }

    @Override
    public double number(String field) {
        JsonNode n = frame.get(field);
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw invalid(field, "a finite number");
        }
        return n.asDouble();
    }

    @Override
    public boolean bool(String field, boolean defaultValue) {
        JsonNode n = frame.get(field);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isBoolean()) {
            throw invalid(field, "a boolean");
        }
        return n.asBoolean();
    }

    @Override
    public void reply(ObjectNode body) {
        answering();
        out.reply(c, id, body);
    }

    @Override
    public void replyFields(FrameFields fields) {
        answering();
        out.replyFields(c, id, fields);
    }

    @Override
    public void error(String code, String message) {
        answering();
        out.error(c, id, code, message);
    }

    /** Marks the request answered; a second answer is a bug of the handler. */
    private void answering() {
        if (answered) {
            throw new IllegalStateException("request " + id + " already answered");
        }
        answered = true;
    }
}
