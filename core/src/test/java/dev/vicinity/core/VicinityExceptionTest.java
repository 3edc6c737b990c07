package dev.vicinity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VicinityExceptionTest {

    @Test
    void get_message_is_the_message_given() {
        assertThat(new VicinityException("invalid_argument", "radius must be > 0").getMessage())
                .isEqualTo("radius must be > 0");
    }

    @Test
    void get_message_falls_back_to_the_code_when_the_message_is_null() {
        // A caller without a null checker may pass null; the gateway writes getMessage() into error frames.
        assertThat(new VicinityException("invalid_argument", null).getMessage()).isEqualTo("invalid_argument");
        assertThat(new BackendUnavailableException(null, null).getMessage()).isEqualTo(ErrorCodes.BACKEND_UNAVAILABLE);
    }

    @Test
    void the_code_is_required() {
        assertThatThrownBy(() -> new VicinityException(null, "m")).isInstanceOf(NullPointerException.class);
    }
}
