package dev.vicinity.chat.memory;

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
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of lifecycle actions, sends (with repeated client ids), clock moves and ticks on
 * a three-person session whose members sit on two nodes. After every step: no message is accepted
 * outside {@code ACTIVE} or from a member who is not joined; stored sequences are gap-free and
 * strictly increasing; every connection sees strictly increasing sequences; a member who left
 * receives nothing stored after they left.
 */
class ChatServiceProperties {
    private static final UserId[] USERS = {ChatFixture.ALICE, ChatFixture.BOB, ChatFixture.CAROL};

    /** Fixed seeds: one try per seed, reproducible run to run. */
    static LongStream seeds() {
        return LongStream.range(0, 150).map(i -> 0xC4A7_5EEDL + i * 0x9E3779B97F4A7C15L);
    }

    /** 1 to 60 actions {kind in [0, 9], user in [0, 2], x in [0, 7]}, each uniform. */
    static List<int[]> actions(Random rnd) {
        int size = 1 + rnd.nextInt(60);
        List<int[]> actions = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            actions.add(new int[] {rnd.nextInt(10), rnd.nextInt(3), rnd.nextInt(8)});
        }
        return actions;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldUnderRandomActions(long seed) {
        List<int[]> actions = actions(new Random(seed));
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
                    } catch (dev.vicinity.core.RateLimitedException e) {
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
