package dev.vicinity.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

class SessionTransportTest {
    private final ExecutorService sendThreads = Executors.newFixedThreadPool(4);
    private final List<String> written = new ArrayList<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean blockFirst;

    /** A session recording what is written, and how many writers were inside it at once. */
    private WebSocketSession session() {
        return (WebSocketSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketSession.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendMessage" -> {
                            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                            if (blockFirst) {
                                blockFirst = false;
                                release.await(10, TimeUnit.SECONDS);
                            }
                            synchronized (written) {
                                written.add(((TextMessage) args[0]).getPayload());
                            }
                            concurrent.decrementAndGet();
                            return null;
                        }
                        case "close" -> {
                            synchronized (written) {
                                written.add("close " + ((CloseStatus) args[0]).getCode());
                            }
                            open.set(false);
                            return null;
                        }
                        case "isOpen" -> {
                            return open.get();
                        }
                        case "getRemoteAddress" -> {
                            return new InetSocketAddress("127.0.0.1", 5000);
                        }
                        case "getId" -> {
                            return "s1";
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @AfterEach
    void stop() {
        sendThreads.shutdownNow();
    }

    @Test
    void sendsNeverBlockTheCallerAndTheCloseComesAfterTheFramesBeforeIt() throws Exception {
        SessionTransport t = new SessionTransport(session(), sendThreads);
        blockFirst = true;
        // the first write blocks (a slow client): the caller still returns at once
        CompletableFuture<?> first = t.send("f0").toCompletableFuture();
        List<CompletableFuture<?>> rest = new ArrayList<>();
        for (int i = 1; i < 50; i++) {
            rest.add(t.send("f" + i).toCompletableFuture());
        }
        t.close(4203, "auth_failed");
        CompletableFuture<?> afterClose = t.send("late").toCompletableFuture();
        assertThat(first).isNotDone();
        release.countDown();
        CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(afterClose).failsWithin(10, TimeUnit.SECONDS);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("f" + i);
        }
        expected.add("close 4203");
        synchronized (written) {
            assertThat(written).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void concurrentSendersNeverWriteAtTheSameTime() throws Exception {
        SessionTransport t = new SessionTransport(session(), sendThreads);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        List<CompletableFuture<?>> all = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<List<CompletableFuture<?>>>> batches = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int caller = c;
                batches.add(callers.submit(() -> {
                    List<CompletableFuture<?>> mine = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        mine.add(t.send(caller + ":" + i).toCompletableFuture());
                    }
                    return mine;
                }));
            }
            for (var b : batches) {
                all.addAll(b.get(10, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        assertThat(maxConcurrent.get()).isEqualTo(1);
        synchronized (written) {
            assertThat(written).hasSize(2000);
            for (int c = 0; c < 4; c++) {
                String prefix = c + ":";
                List<String> mine = written.stream().filter(s -> s.startsWith(prefix)).toList();
                List<String> inOrder = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    inOrder.add(prefix + i);
                }
                assertThat(mine).containsExactlyElementsOf(inOrder);
            }
        }
    }
}
