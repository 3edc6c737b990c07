package dev.vicinity.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CloseCodeTest {

    @Test
    void wireNamesAndWebsocketStatusesAreUniqueAndInRange() {
        assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::wireName)).doesNotHaveDuplicates()
                .allMatch(n -> n.matches("[a-z_]+"));
        assertThat(Arrays.stream(CloseCode.values()).map(CloseCode::websocketStatus)).doesNotHaveDuplicates()
                .allMatch(s -> s == 1000 || s == 1001 || (s >= 4000 && s <= 4999));
    }

    @Test
    void codesSplitIntoResumableReconnectAndTerminal() {
        EnumSet<CloseCode> resumable = EnumSet.noneOf(CloseCode.class);
        for (CloseCode c : CloseCode.values()) {
            if (c.resumable()) {
                resumable.add(c);
            }
        }
        assertThat(resumable).containsExactlyInAnyOrder(CloseCode.TRANSPORT_LOST, CloseCode.HEARTBEAT_TIMEOUT,
                CloseCode.SLOW_CONSUMER, CloseCode.SERVER_SHUTDOWN);
        assertThat(CloseCode.REPLACED.disposition()).isEqualTo(CloseCode.Disposition.TERMINAL);
        assertThat(CloseCode.RESUME_EXPIRED.disposition()).isEqualTo(CloseCode.Disposition.RECONNECT);
        assertThat(CloseCode.AUTH_TIMEOUT.disposition()).isEqualTo(CloseCode.Disposition.RECONNECT);
    }
}
