package dev.vicinity.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VicinityClientBuilderTest {
    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.backoff(0, 10), "backoff: initialDelayMs must be positive, got 0"),
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.backoff(100, 50), "backoff: maxDelayMs 50 is below initialDelayMs 100"),
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.connectTimeoutMs(0), "connectTimeoutMs must be positive, got 0"),
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.requestTimeoutMs(-1), "requestTimeoutMs must be positive, got -1"),
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.pongTimeoutMs(-5), "pongTimeoutMs must be positive (or 0: the heartbeat interval), got -5"),
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.maxSendAttempts(0), "maxSendAttempts must be at least 1, got 0"),
                Arguments.of((UnaryOperator<VicinityClientBuilder>) b -> b.historyPageSize(0), "historyPageSize must be at least 1, got 0"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void buildNamesTheOptionOutOfRange(UnaryOperator<VicinityClientBuilder> bad, String message) {
        VicinityClientBuilder b = VicinityClient.builder(() -> URI.create("ws://127.0.0.1:1/ws"), () -> "t", "d")
                .scheduler(new ManualScheduler());
        assertThatThrownBy(() -> bad.apply(b).build()).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
