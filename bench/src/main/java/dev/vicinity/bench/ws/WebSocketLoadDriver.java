package dev.vicinity.bench.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * End-to-end load driver for the example server: opens N WebSocket connections on loopback, signs
 * each in ({@code hello} with a demo token), pairs them in chat sessions (invite / accept), then sends
 * chat messages at a fixed total rate for a fixed time and measures delivery latency (send on one
 * client to {@code chat.message} on its peer) with p50/p99/p999, errors and, when given the server's
 * pid, the server's CPU. Stops by itself; refuses any host but 127.0.0.1/localhost.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.vicinity.bench.ws.WebSocketLoadDriver \
 *     --url ws://127.0.0.1:8080/ws --connections 10000 --rate 10000 --seconds 30 [--server-pid PID]
 * </pre>
 *
 * <p>Messages leave in bursts: every {@code --tick-ms} milliseconds (default 10) the next
 * {@code rate × tick / 1000} clients each send one.
 *
 * <p>Before measuring, it sends at the same rate for {@code --warmup} seconds (default 15) so the
 * server's JIT has compiled the hot path; counters start after that.
 *
 * <p>{@code --client raw} (the default) drives the sockets with {@link RawWebSockets}, a minimal NIO
 * client on {@code --loops} selector threads (default 1), and reads the hot frame (a peer's
 * {@code chat.message}) by position, so the driver's own CPU stays small beside the server's on a
 * shared machine; {@code --client jdk} uses {@code java.net.http.WebSocket} as earlier runs did. The
 * report gives the server's CPU (from {@code /proc/PID/stat}) and the driver's own CPU, each per
 * delivered message.
 *
 * <p>With {@code --idle true --server-pid PID} it only opens and signs in the connections and reports
 * the server's heap per idle connection: used heap after a full GC ({@code jcmd PID GC.run}, then
 * {@code GC.heap_info}) with the connections open, minus the same before they were opened.
 */
public final class WebSocketLoadDriver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final int connections;
    private final int rate;
    private final int seconds;
    private final String tokenPrefix;
    private final boolean raw;
    private final int warmupSeconds;
    private final int tickMillis;
    private final HttpClient http;
    private final RawWebSockets rawSockets;
    private final List<Client> clients = new ArrayList<>();
    private final ConcurrentLinkedQueue<long[]> latencyChunks = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /** Error frames by their code (the rest of {@code errors} are transport failures). */
    private final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicBoolean measuring = new AtomicBoolean();

    private WebSocketLoadDriver(URI uri, int connections, int rate, int seconds, String tokenPrefix, String client,
            int loops, int warmupSeconds, int tickMillis) {
        if (tickMillis < 1 || tickMillis > 1000) {
            throw new IllegalArgumentException("--tick-ms must be 1..1000, got " + tickMillis);
        }
        this.tickMillis = tickMillis;
        this.uri = uri;
        this.warmupSeconds = warmupSeconds;
        this.connections = connections;
        this.rate = rate;
        this.seconds = seconds;
        this.tokenPrefix = tokenPrefix;
        switch (client) {
            case "raw" -> {
                raw = true;
                http = null;
                rawSockets = new RawWebSockets(loops);
            }
            case "jdk" -> {
                raw = false;
                http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
                rawSockets = null;
            }
            default -> throw new IllegalArgumentException("--client is raw or jdk, not " + client);
        }
    }

    /** One client connection. */
    private final class Client implements WebSocket.Listener, RawWebSockets.Handler {
        final int index;
        final String user;
        /** {@code "from":"<user>"}, to skip our own copy of a message cheaply. */
        final String fromSelf;
        volatile WebSocket ws;
        volatile RawWebSockets.Socket socket;
        volatile boolean failed;
        volatile String session;
        volatile Client peer;
        final CountDownLatch welcomed = new CountDownLatch(1);
        final CountDownLatch joined = new CountDownLatch(1);
        final AtomicBoolean sending = new AtomicBoolean();
        final AtomicInteger ids = new AtomicInteger();
        final StringBuilder partial = new StringBuilder();
        long[] lat = new long[1024];
        int latCount;

        Client(int index) {
            this.index = index;
            this.user = "load" + index;
            this.fromSelf = "\"from\":\"" + user + "\"";
        }

        @Override
        public void onOpen(RawWebSockets.Socket s) {
            socket = s;
            hello();
        }

        @Override
        public void onText(RawWebSockets.Socket s, String text) {
            frame(text);
        }

        @Override
        public void onClosed(RawWebSockets.Socket s, String why) {
            failed = true;
            errors.incrementAndGet();
            errorCodes.computeIfAbsent("socket closed: " + why, k -> new LongAdder()).increment();
        }

        void hello() {
            send("{\"type\":\"hello\",\"id\":\"h\",\"v\":1,\"token\":\"" + tokenPrefix + user + "\",\"device\":\"d\"}");
        }

        /**
         * One received frame. The hot one, a peer's {@code chat.message}, is read by position (no
         * JSON tree), so the driver's CPU per message stays small; the rest are parsed.
         */
        void frame(String text) {
            if (text.contains("\"type\":\"chat.message\"")) {
                if (!text.contains(fromSelf)) {
                    int t = text.indexOf("\"text\":\"t:");
                    if (t >= 0 && measuring.get()) {
                        int from = t + 10;
                        int to = text.indexOf('"', from);
                        record(System.nanoTime() - Long.parseLong(text, from, to, 10));
                    }
                    received.incrementAndGet();
                }
                return;
            }
            try {
                handle(JSON.readTree(text));
            } catch (Exception e) {
                errors.incrementAndGet();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                frame(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            errors.incrementAndGet();
        }

        private void handle(JsonNode f) {
            String type = f.path("type").asText();
            switch (type) {
                case "welcome" -> welcomed.countDown();
                case "error" -> {
                    errors.incrementAndGet();
                    errorCodes.computeIfAbsent(f.path("code").asText("?"), k -> new LongAdder()).increment();
                }
                case "chat.session" -> {
                    JsonNode s = f;
                    if ("INVITED".equals(s.path("state").asText()) && !s.path("inviter").asText().equals(user)) {
                        session = s.path("session").asText();
                        send("{\"type\":\"chat.accept\",\"id\":\"" + ids.incrementAndGet() + "\",\"session\":\"" + session + "\"}");
                    } else if ("ACTIVE".equals(s.path("state").asText())) {
                        session = s.path("session").asText();
                        joined.countDown();
                    }
                }
                default -> { }
            }
        }

        private synchronized void record(long nanos) {
            if (latCount == lat.length) {
                latencyChunks.add(Arrays.copyOf(lat, latCount));
                latCount = 0;
            }
            lat[latCount++] = nanos;
        }

        synchronized void flush() {
            latencyChunks.add(Arrays.copyOf(lat, latCount));
            latCount = 0;
        }

        boolean send(String text) {
            if (raw) {
                RawWebSockets.Socket s = socket;
                if (s == null || !s.send(text)) {
                    errors.incrementAndGet();
                    return false;
                }
                return true;
            }
            WebSocket w = ws;
            if (w == null) {
                return false;
            }
            if (!sending.compareAndSet(false, true)) {
                skipped.incrementAndGet();
                return false;
            }
            w.sendText(text, true).whenComplete((x, e) -> {
                sending.set(false);
                if (e != null) {
                    errors.incrementAndGet();
                }
            });
            return true;
        }

        void sendChat() {
            if (session == null) {
                return;
            }
            if (send("{\"type\":\"chat.send\",\"id\":\"" + ids.incrementAndGet() + "\",\"session\":\"" + session
                    + "\",\"clientId\":\"" + user + "-" + ids.get() + "\",\"text\":\"t:" + System.nanoTime() + "\"}")) {
                sent.incrementAndGet();
            }
        }
    }

    private void run(long serverPid, boolean idle) throws Exception {
        long heapBefore = idle ? serverHeapAfterGc(serverPid) : -1;
        long t0 = System.nanoTime();
        Semaphore handshakes = new Semaphore(256);
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Client c = new Client(i);
            clients.add(c);
            if (raw) {
                rawSockets.open(uri, c);
                if (i % 256 == 255) {
                    // pace the handshakes as the JDK path does with its 256 permits
                    while (settledSoFar() < i - 512) {
                        Thread.sleep(1);
                    }
                }
                continue;
            }
            handshakes.acquire();
            opening.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, c)
                    .whenComplete((ws, e) -> {
                        handshakes.release();
                        if (e != null) {
                            errors.incrementAndGet();
                        } else {
                            c.ws = ws;
                            c.hello();
                        }
                    }));
        }
        CompletableFuture.allOf(opening.toArray(new CompletableFuture[0])).exceptionally(e -> null).join();
        int welcomed = 0;
        for (Client c : clients) {
            if (!c.failed && c.welcomed.await(30, TimeUnit.SECONDS)) {
                welcomed++;
            }
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        // A compliant client pings every heartbeatSeconds (15 s by default; the server detaches a
        // connection silent for three intervals): spread the pings so each client sends one every 15 s.
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger pingCursor = new AtomicInteger();
        int pingsPerTick = Math.max(1, clients.size() / 150);
        heartbeats.scheduleAtFixedRate(() -> {
            for (int k = 0; k < pingsPerTick; k++) {
                clients.get(Math.floorMod(pingCursor.getAndIncrement(), clients.size())).send("{\"type\":\"ping\",\"id\":\"p\"}");
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        System.out.printf(Locale.ROOT, "connected and signed in: %d of %d in %.1f s%n", welcomed, connections, connectSeconds);
        if (idle) {
            Thread.sleep(2000);
            long heapAfter = serverHeapAfterGc(serverPid);
            System.out.printf(Locale.ROOT, "%n| idle connections | server heap before | with connections | per connection |%n|---|---|---|---|%n"
                    + "| %d | %.1f MB | %.1f MB | %.1f KB |%n", welcomed, heapBefore / 1e6, heapAfter / 1e6,
                    (heapAfter - heapBefore) / 1024.0 / Math.max(1, welcomed));
            for (Client c : clients) {
                WebSocket w = c.ws;
                if (w != null) {
                    w.sendClose(1000, "done");
                }
                RawWebSockets.Socket s = c.socket;
                if (s != null) {
                    s.close(1000);
                }
            }
            heartbeats.shutdownNow();
            return;
        }

        for (int i = 0; i + 1 < clients.size(); i += 2) {
            Client a = clients.get(i);
            Client b = clients.get(i + 1);
            a.peer = b;
            b.peer = a;
            while (!raw && a.sending.get()) {
                Thread.onSpinWait();
            }
            a.send("{\"type\":\"chat.invite\",\"id\":\"i\",\"to\":[\"" + b.user + "\"]}");
            if (i % 512 == 0) {
                Thread.sleep(20);
            }
        }
        int paired = 0;
        for (Client c : clients) {
            if (!c.failed && c.joined.await(30, TimeUnit.SECONDS)) {
                paired++;
            }
        }
        System.out.printf(Locale.ROOT, "in active chats: %d%n", paired);

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        int perTick = Math.max(1, rate * tickMillis / 1000);
        AtomicInteger cursor = new AtomicInteger();
        ticker.scheduleAtFixedRate(() -> {
            for (int k = 0; k < perTick; k++) {
                clients.get(Math.floorMod(cursor.getAndIncrement(), clients.size())).sendChat();
            }
        }, 0, tickMillis, TimeUnit.MILLISECONDS);
        if (warmupSeconds > 0) {
            // the same load, not measured: the server's JIT compiles the hot path first (a cold server
            // spends a third of its CPU compiling in the first half minute)
            Thread.sleep(warmupSeconds * 1000L);
            System.out.printf(Locale.ROOT, "warmed up for %d s%n", warmupSeconds);
        }
        sent.set(0);
        received.set(0);
        errors.set(0);
        errorCodes.clear();
        skipped.set(0);
        long cpuBefore = cpuTicks(serverPid);
        long ownCpuBefore = ownCpuNanos();
        long wallBefore = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        ticker.shutdownNow();
        Thread.sleep(1000); // let in-flight deliveries land
        measuring.set(false);
        long wall = System.nanoTime() - wallBefore;
        long cpuAfter = cpuTicks(serverPid);
        long ownCpu = ownCpuNanos() - ownCpuBefore;
        heartbeats.shutdownNow();
        clients.forEach(Client::flush);
        for (Client c : clients) {
            WebSocket w = c.ws;
            if (w != null) {
                w.sendClose(1000, "done");
            }
            RawWebSockets.Socket s = c.socket;
            if (s != null) {
                s.close(1000);
            }
        }
        report(welcomed, paired, wall, cpuBefore, cpuAfter, ownCpu);
    }

    /** Connections that were welcomed or failed. */
    private long settledSoFar() {
        long n = 0;
        for (Client c : clients) {
            if (c.welcomed.getCount() == 0 || c.failed) {
                n++;
            }
        }
        return n;
    }

    /** CPU time of this process (the driver), nanoseconds. */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void report(int welcomed, int paired, long wallNanos, long cpuBefore, long cpuAfter, long ownCpu) {
        int n = 0;
        for (long[] chunk : latencyChunks) {
            n += chunk.length;
        }
        long[] all = new long[n];
        int k = 0;
        for (long[] chunk : latencyChunks) {
            System.arraycopy(chunk, 0, all, k, chunk.length);
            k += chunk.length;
        }
        Arrays.sort(all);
        double secs = wallNanos / 1e9;
        // server CPU from /proc (clock ticks of 10 ms) over the sending window, as a share of one core and
        // per delivered message; the driver's own CPU likewise (its process CPU time)
        double serverCpuSeconds = cpuBefore < 0 ? Double.NaN : (cpuAfter - cpuBefore) / 100.0;
        long delivered = received.get();
        String cpu = cpuBefore < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100.0 * serverCpuSeconds / secs);
        String perMsg = cpuBefore < 0 || delivered == 0 ? "n/a"
                : String.format(Locale.ROOT, "%.1f", serverCpuSeconds * 1e6 / delivered);
        String driverPerMsg = delivered == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", ownCpu / 1e3 / delivered);
        System.out.printf(Locale.ROOT, "%n| client | connections | in chats | sent msg/s | delivered msg/s | p50 ms | p99 ms | p999 ms | max ms | errors | skipped sends | server CPU | server µs/msg | driver CPU | driver µs/msg |%n");
        System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %d | %s | %s | %.0f%% | %s |%n",
                raw ? "raw" : "jdk", welcomed, paired, sent.get() / secs, delivered / secs, pct(all, 0.50), pct(all, 0.99),
                pct(all, 0.999), all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors.get(), skipped.get(), cpu,
                perMsg, 100.0 * ownCpu / wallNanos, driverPerMsg);
        if (!errorCodes.isEmpty()) {
            StringBuilder codes = new StringBuilder("error frames by code:");
            errorCodes.forEach((code, count) -> codes.append(' ').append(code).append('=').append(count.sum()));
            System.out.println(codes);
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    /** Used heap of the server in bytes right after a full GC, read with jcmd. */
    private static long serverHeapAfterGc(long pid) throws Exception {
        if (pid <= 0) {
            throw new IllegalArgumentException("--idle needs --server-pid");
        }
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        // G1: " garbage-first heap   total 262144K, used 21034K [...]"
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("cannot read heap from: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws Exception {
        String javaHome = System.getProperty("java.home");
        Process p = new ProcessBuilder(javaHome + "/bin/jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /** utime + stime of the server process in clock ticks (100 per second on Linux), or -1. */
    private static long cpuTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return -1;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        URI uri = URI.create(a.getOrDefault("url", "ws://127.0.0.1:8080/ws"));
        if (!"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
            throw new IllegalArgumentException("the load driver only targets 127.0.0.1");
        }
        WebSocketLoadDriver d = new WebSocketLoadDriver(uri, Integer.parseInt(a.getOrDefault("connections", "10000")),
                Integer.parseInt(a.getOrDefault("rate", "10000")), Integer.parseInt(a.getOrDefault("seconds", "30")),
                a.getOrDefault("token-prefix", "demo:"), a.getOrDefault("client", "raw"),
                Integer.parseInt(a.getOrDefault("loops", "1")), Integer.parseInt(a.getOrDefault("warmup", "15")),
                Integer.parseInt(a.getOrDefault("tick-ms", "10")));
        d.run(Long.parseLong(a.getOrDefault("server-pid", "0")), Boolean.parseBoolean(a.getOrDefault("idle", "false")));
        System.exit(0);
    }
}
