package dev.vicinity.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.SendResult;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.UserId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of lifecycle actions, sends (with repeated client ids), clock moves and ticks on
 * a three-person session whose members sit on two nodes. After every step: no message is accepted
 * outside {@code ACTIVE} or from a member who is not joined; stored sequences are gap-free and
 * strictly increasing; every connection sees strictly increasing sequences; a member who left
 * receives nothing stored after they left.
 */
class ChatServiceProperties {
    private static final UserId[] USERS = {ChatFixture.ALICE, ChatFixture.BOB, ChatFixture.CAROL};

    @Provide
    Arbitrary<List<int[]>> actions() {
        Arbitrary<int[]> one = Arbitraries.integers().between(0, 9)
                .flatMap(kind -> Arbitraries.integers().between(0, 2)
                        .flatMap(u -> Arbitraries.integers().between(0, 7).map(x -> new int[] {kind, u, x})));
        return one.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 150)
    void invariantsHoldUnderRandomActions(@ForAll("actions") List<int[]> actions) {
        ChatFixture fx = new ChatFixture();
        ChatFixture.Node n1 = fx.node("n1", b -> b.maxParticipants(3).messageRate(5, 4));
        ChatFixture.Node n2 = fx.node("n2", b -> b.maxParticipants(3).messageRate(5, 4));
        ChatFixture.Node[] nodes = {n1, n2, n1};
        Map<UserId, ConnectionId> conn = new HashMap<>();
        for (int i = 0; i < USERS.length; i++) {
            conn.put(USERS[i], nodes[i].conns().connect(USERS[i]));
            nodes[i].chat().attach(USERS[i]);
        }
        ChatSession s = n1.chat().invite(USERS[0], List.of(USERS[1], USERS[2]));
        Map<UserId, Long> leftAtTop = new HashMap<>();
        Map<UserId, Long> joinedAtTop = new HashMap<>(Map.of(USERS[0], 0L));
        long top = 0;
        int clientCounter = 0;
        List<String> log = new ArrayList<>();
        for (int[] a : actions) {
            UserId u = USERS[a[1]];
            UserId other = USERS[(a[1] + 1 + a[2] % 2) % 3];
            ChatService via = nodes[a[2] % 2].chat();
            ChatSession before = fx.sessions.find(s.id()).orElseThrow();
            switch (a[0]) {
                case 0, 1, 2, 3 -> {
                    // sends dominate; small client-id space causes retries
                    String cid = a[2] < 3 ? "c" + u.value() + "-" + a[2] : "n" + (clientCounter++);
                    SendResult r;
                    try {
                        r = via.send(s.id(), u, MessageId.of(cid), "text " + cid);
                    } catch (dev.vicinity.chat.ChatRateLimitedException e) {
                        log.add("rate-limited");
                        break;
                    }
                    if (r instanceof SendResult.Stored st && !st.duplicate()) {
                        assertThat(before.state()).as("accepted outside ACTIVE: %s", log).isEqualTo(ChatSessionState.ACTIVE);
                        assertThat(before.isJoined(u)).as("accepted from non-member: %s", log).isTrue();
                        assertThat(st.message().sequence()).as("gap-free").isEqualTo(top + 1);
                        top = st.message().sequence();
                    } else if (r instanceof SendResult.Refused) {
                        assertThat(before.state() == ChatSessionState.ACTIVE && before.isJoined(u)).isFalse();
                    }
                    log.add("send " + u + " " + cid + " -> " + r.getClass().getSimpleName());
                }
                case 4 -> log.add("accept " + u + " " + via.accept(s.id(), u).done());
                case 5 -> log.add("leave " + u + " " + via.leave(s.id(), u).done());
                case 6 -> log.add("decline/cancel " + u + " "
                        + (a[2] % 2 == 0 ? via.decline(s.id(), u) : via.cancel(s.id(), u)).done());
                case 7 -> log.add("block " + u + " " + other + " " + via.block(s.id(), u, other).done());
                case 8 -> {
                    fx.clock.advance(Duration.ofSeconds(1L << a[2] * 2));
                    via.tick();
                    log.add("advance+tick " + (1L << a[2] * 2));
                }
                default -> log.add("markRead " + u + " " + via.markRead(s.id(), u, a[2]).done());
            }
            ChatSession after = fx.sessions.find(s.id()).orElseThrow();
            for (UserId x : USERS) {
                boolean wasIn = before.participant(x).orElseThrow().state() != MemberState.LEFT;
                boolean nowLeft = after.participant(x).orElseThrow().state() == MemberState.LEFT;
                if (wasIn && nowLeft) {
                    leftAtTop.put(x, fx.messageStore.bounds(s.id()).top());
                }
                if (before.participant(x).orElseThrow().state() == MemberState.INVITED
                        && after.participant(x).orElseThrow().state() == MemberState.JOINED) {
                    joinedAtTop.put(x, fx.messageStore.bounds(s.id()).top());
                }
            }
            assertThat(fx.messageStore.bounds(s.id()).top()).isEqualTo(top);
            for (int i = 0; i < USERS.length; i++) {
                List<Long> seqs = nodes[i].conns().sequences(conn.get(USERS[i]));
                for (int k = 1; k < seqs.size(); k++) {
                    assertThat(seqs.get(k)).as("strictly increasing for %s: %s", USERS[i], log)
                            .isGreaterThan(seqs.get(k - 1));
                }
                Long leftTop = leftAtTop.get(USERS[i]);
                if (leftTop != null) {
                    assertThat(seqs).as("%s received after leaving: %s", USERS[i], log)
                            .allMatch(q -> q <= leftTop);
                }
            }
        }
        // Everyone who never left got every message stored while they were joined, once, in order.
        for (int i = 0; i < USERS.length; i++) {
            ChatSession fin = fx.sessions.find(s.id()).orElseThrow();
            if (fin.participant(USERS[i]).orElseThrow().state() == MemberState.JOINED && fin.activatedAt() != null
                    && !leftAtTop.containsKey(USERS[i])) {
                List<Long> seqs = nodes[i].conns().sequences(conn.get(USERS[i]));
                long from = joinedAtTop.get(USERS[i]) + 1;
                assertThat(seqs).as("complete for %s: %s", USERS[i], log)
                        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(from, top).boxed().toList());
            }
        }
    }
}
