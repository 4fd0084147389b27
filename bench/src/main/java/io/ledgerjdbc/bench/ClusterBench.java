package io.ledgerjdbc.bench;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.replication.ClusterConfig;
import io.ledgerjdbc.replication.ClusterStatus;
import io.ledgerjdbc.replication.RaftStack;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jgroups.JChannel;
import org.jgroups.raft.RaftHandle;
import org.jgroups.raft.StateMachine;

/**
 * Replicated commits through {@code jdbc:ledger:} vs bare jgroups-raft, side by side in one run.
 *
 * <ul>
 *   <li><b>bare</b>: three members in this JVM over loopback TCP, each a channel built by {@link RaftStack} (the
 *       very stack and log settings a driver node runs) wrapped in a {@code RaftHandle} with a no-op state machine;
 *       clients call {@code setAsync(payload).get()} on the leader, as {@code ClusterMember.submit} does, with a
 *       payload as long as the driver's write-set for one row of the workload (measured at start-up).</li>
 *   <li><b>sqlite</b> / <b>h2</b>: three driver nodes in this JVM (one database file and Raft log each), clients on
 *       the leader's node, each with its own connection, running autocommit single-row INSERTs by prepared
 *       statement (the DriverBench {@code insert} workload): every statement is one replicated commit.</li>
 * </ul>
 * Every (system, Raft fsync) pair gets a fresh cluster per round; the client counts run one after the other on
 * it. Latency is measured per commit around {@code executeUpdate} / {@code get}; throughput over the measuring
 * window. The best round by throughput counts (its latencies are shown). After each driver cluster the three
 * ledgers must have the same size and chain hash and the table the number of rows the clients counted.
 *
 * <pre>
 * java -XX:+UseParallelGC -Xms2g -Xmx2g -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.ClusterBench \
 *     [--systems bare,sqlite,h2] [--clients 1,16] [--fsync off,on] [--seconds 5] [--warmup 2] [--rounds 2] [--profile]
 * </pre>
 *
 * {@code --profile} samples the client and Raft runner threads' stacks every few milliseconds during driver
 * measurements and prints where they were (a poor man's profiler: it perturbs the figures, so use it in a
 * separate run).
 */
public final class ClusterBench {

    private static final PrintStream LOG = System.err;
    private static final String CREATE = "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50), "
            + "balance DECIMAL(12,2), created TIMESTAMP, n INT)";
    private static final String INSERT = "INSERT INTO t (id, name, balance, created, n) VALUES (?, ?, ?, ?, ?)";
    private static final Timestamp CREATED = Timestamp.valueOf("2026-11-24 12:00:00");
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(1);
    /** A commit this slow is a stall (a timer, Nagle meeting a delayed ACK), not a busy machine's queueing. */
    private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private List<String> systems = List.of("bare", "sqlite", "h2");
    private List<Integer> clientCounts = List.of(1, 16);
    private List<Boolean> fsyncs = List.of(false, true);
    private double seconds = 5;
    private double warmup = 2;
    private int rounds = 2;
    private boolean profile;

    private final Map<String, Integer> problems = new LinkedHashMap<>();
    private final Map<String, Result> best = new LinkedHashMap<>();
    /** Every round's result per cell, in round order (same-round ratios are the steadier comparison). */
    private final Map<String, List<Result>> byRound = new LinkedHashMap<>();
    private final Map<String, StackSampler.Report> profiles = new LinkedHashMap<>();
    private final AtomicLong idBlocks = new AtomicLong();
    private Path root;
    private int payloadBytes;

    public static void main(String[] args) throws Exception {
        ClusterBench b = new ClusterBench();
        try {
            b.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: ClusterBench [--systems bare,sqlite,h2] [--clients 1,16] [--fsync off,on] [--seconds 5] "
                    + "[--warmup 2] [--rounds 2] [--profile]");
            System.exit(2);
        }
        try {
            b.run();
        } finally {
            LedgerDatabase.leaveClusters();
        }
        System.exit(0); // JGroups timer threads are not all daemons
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--profile")) {
                profile = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--systems" -> systems = List.of(v.split(","));
                case "--clients" -> clientCounts = Stream.of(v.split(",")).map(Integer::parseInt).toList();
                case "--fsync" -> fsyncs = Stream.of(v.split(",")).map(f -> switch (f) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("--fsync takes off, on or off,on");
                }).toList();
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String s : systems) {
            if (!List.of("bare", "sqlite", "h2", "postgresql").contains(s)) {
                throw new IllegalArgumentException("unknown system " + s);
            }
        }
    }

    // ---- the run -------------------------------------------------------------------------------------

    private void run() throws Exception {
        long started = System.nanoTime();
        LOG.printf(Locale.ROOT, "ClusterBench: systems=%s clients=%s fsync=%s seconds=%.1f warmup=%.1f rounds=%d profile=%s jvm=%s%n",
                systems, clientCounts, fsyncs, seconds, warmup, rounds, profile,
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        root = Files.createTempDirectory("ledgerbench-cluster-");
        try {
            payloadBytes = measurePayload();
            LOG.println("write-set payload of one INSERT: " + payloadBytes + " bytes (the bare payload)");
            // Round 0 compiles the hot paths of every system before anything counts (a cold JVM spent more CPU in
            // the JIT than in the system measured).
            for (int round = 0; round <= rounds; round++) {
                for (boolean fsync : round == 0 ? List.of(false) : fsyncs) {
                    for (String system : systems) {
                        List<Result> results = system.equals("bare") ? runBare(fsync, round) : runDriver(system, fsync, round);
                        if (round == 0) {
                            LOG.println("  JVM warm-up of " + system + " done (not counted)");
                            continue;
                        }
                        for (Result r : results) {
                            LOG.printf(Locale.ROOT, "[round %d] %-6s fsync=%-3s %2d clients: %,9.0f commits/s  p50 %.3f ms  p99 %.3f ms  ≥20 ms %.2f %%  CPU %.0f µs/commit%s%n",
                                    round, system, fsync ? "on" : "off", r.clients, r.perSecond, r.p50Millis, r.p99Millis, r.slowPercent,
                                    r.cpuTotal(), r.noteSuffix());
                            best.merge(key(system, fsync, r.clients), r, Result::better);
                            byRound.computeIfAbsent(key(system, fsync, r.clients), k -> new ArrayList<>()).add(r);
                        }
                        LOG.printf(Locale.ROOT, "  elapsed %.0f s%n", (System.nanoTime() - started) / 1e9);
                    }
                }
            }
            printTable();
            System.out.println();
            printCpuTable();
            if (!profiles.isEmpty()) {
                System.out.println();
                System.out.println("Thread samples (where the client threads and the Raft runner threads were):");
                profiles.forEach((k, r) -> {
                    System.out.println();
                    System.out.println("### " + k);
                    System.out.println(r.format());
                });
            }
            System.out.println();
            if (problems.isEmpty()) {
                System.out.println("Checks: every driver cluster converged (same ledger size and chain hash on all three nodes) "
                        + "and held exactly the rows the clients counted; no unexpected exceptions; no leader change while measuring.");
            } else {
                System.out.println("Problems seen:");
                problems.forEach((p, n) -> System.out.println("- " + p + (n > 1 ? " (×" + n + ")" : "")));
            }
            System.out.printf(Locale.ROOT, "%nTotal time %.0f s; machine load average %.1f at the start, %.1f at the end (%d cores).%n",
                    (System.nanoTime() - started) / 1e9, loadBefore, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
        } finally {
            deleteTree(root);
        }
    }

    private static String key(String system, boolean fsync, int clients) {
        return system + "/" + fsync + "/" + clients;
    }

    private synchronized void problem(String p) {
        problems.merge(p, 1, Integer::sum);
    }

    private void printCpuTable() {
        System.out.println("CPU per commit in this JVM (µs; all three members share the machine's cores):");
        System.out.println();
        StringBuilder head = new StringBuilder("| Raft log fsync | clients | system |");
        StringBuilder rule = new StringBuilder("|---|---:|---|");
        for (String k : CpuMeter.KINDS) {
            head.append(' ').append(k).append(" |");
            rule.append("---:|");
        }
        System.out.println(head.append(" total |"));
        System.out.println(rule.append("---:|"));
        for (boolean fsync : fsyncs) {
            for (int clients : clientCounts) {
                for (String system : systems) {
                    Result r = best.get(key(system, fsync, clients));
                    if (r == null) continue;
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s |", fsync ? "on" : "off", clients, system));
                    for (String k : CpuMeter.KINDS) line.append(String.format(Locale.ROOT, " %.0f |", r.cpuMicrosPerCommit.get(k)));
                    System.out.println(line.append(String.format(Locale.ROOT, " %.0f |", r.cpuTotal())));
                }
            }
        }
    }

    private void printTable() {
        System.out.println("Best round of each cell (by commits/s; its latencies). \"same-round ratios\": driver ÷ bare measured in the same round (seconds apart, not across the whole run);"
                + " the throughput target is judged on their median.");
        System.out.println();
        System.out.println("| Raft log fsync | clients | system | commits/s | p50 ms | p99 ms | commits ≥ 20 ms | commits/s vs bare (best ÷ best) "
                + "| same-round ratios | p50 − bare p50 | target |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (boolean fsync : fsyncs) {
            for (int clients : clientCounts) {
                Result bare = best.get(key("bare", fsync, clients));
                for (String system : systems) {
                    Result r = best.get(key(system, fsync, clients));
                    if (r == null) continue;
                    String ratio = "";
                    String rounds = "";
                    String delta = "";
                    String target = "";
                    if (!system.equals("bare") && bare != null) {
                        double q = r.perSecond / bare.perSecond;
                        double d = r.p50Millis - bare.p50Millis;
                        ratio = String.format(Locale.ROOT, "%.2f", q);
                        delta = String.format(Locale.ROOT, "%+.2f ms", d);
                        List<Result> mine = byRound.get(key(system, fsync, clients));
                        List<Result> bares = byRound.get(key("bare", fsync, clients));
                        List<Double> same = new ArrayList<>();
                        for (int i = 0; i < Math.min(mine.size(), bares.size()); i++) {
                            same.add(mine.get(i).perSecond / bares.get(i).perSecond);
                        }
                        rounds = String.join(" / ", same.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
                        double median = same.stream().sorted().toList().get(same.size() / 2);
                        if (clients >= 16) {
                            target = median >= 0.30 ? "≥ 0.30: reached" : "≥ 0.30: **missed**";
                        } else if (clients == 1) {
                            target = d <= 1.0 ? "≤ +1 ms: reached" : "≤ +1 ms: **missed**";
                        }
                    }
                    System.out.printf(Locale.ROOT, "| %s | %d | %s | %,.0f | %.2f | %.2f | %.2f %% | %s | %s | %s | %s |%n", fsync ? "on" : "off", clients,
                            system.equals("bare") ? "bare jgroups-raft" : "driver, " + switch (system) {
                                case "h2" -> "H2 file";
                                case "postgresql" -> "PostgreSQL";
                                default -> "SQLite";
                            },
                            r.perSecond, r.p50Millis, r.p99Millis, r.slowPercent, ratio, rounds, delta, target);
                }
            }
        }
    }

    // ---- payload ------------------------------------------------------------------------------------

    /**
     * The Raft command the driver submits for one row of the workload: a standalone ledger records the same entry
     * (same changes, origin, transaction id shape), so its stored length plus the command's kind byte is the
     * payload length.
     */
    private int measurePayload() throws SQLException, IOException {
        int max = 0;
        for (String system : List.of("sqlite", "h2")) {
            Path dir = Files.createDirectories(root.resolve("probe-" + system));
            String raw = rawUrl(system, dir.resolve("db"));
            Properties p = new Properties();
            p.setProperty("ledger.node", "A");
            try (Connection c = DriverManager.getConnection(ledgerUrl(raw), p)) {
                try (Statement s = c.createStatement()) {
                    s.execute(CREATE);
                }
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    bindRow(ps, (1L << 40) + 12345);
                    ps.executeUpdate();
                }
            }
            try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT entry FROM ledger_entry ORDER BY seq DESC")) {
                rs.next();
                max = Math.max(max, rs.getBytes(1).length + 1);
            }
            if (system.equals("h2")) {
                try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                }
            }
        }
        return max;
    }

    // ---- bare jgroups-raft --------------------------------------------------------------------------

    /** The state machine of the bare runs: applies nothing, answers nothing. */
    private static final class NoOp implements StateMachine {
        @Override
        public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
            return null;
        }

        @Override
        public void readContentFrom(DataInput in) {
        }

        @Override
        public void writeContentTo(DataOutput out) {
        }
    }

    private List<Result> runBare(boolean fsync, int round) throws Exception {
        Members m = new Members("bare", fsync, round);
        List<JChannel> channels = new ArrayList<>();
        List<RaftHandle> handles = new ArrayList<>();
        try {
            for (String id : m.ids) {
                JChannel ch = RaftStack.channel(m.config(id));
                handles.add(new RaftHandle(ch, new NoOp()).raftId(id));
                channels.add(ch);
            }
            for (int i = 0; i < channels.size(); i++) {
                JChannel ch = channels.get(i);
                m.join(m.ids.get(i), () -> ch.connect(m.clusterName));
            }
            RaftHandle leader = awaitBareLeader(handles);
            byte[] payload = new byte[payloadBytes];
            ThreadLocalRandom.current().nextBytes(payload);
            List<Result> out = new ArrayList<>();
            for (int clients : clientCounts) {
                String label = "bare fsync=" + fsync + " " + clients + "c";
                Client[] workers = new Client[clients];
                for (int i = 0; i < clients; i++) {
                    workers[i] = new Client(label + "-" + i, () -> {
                        byte[] bytes = payload.clone(); // the driver encodes a new array per commit
                        leader.setAsync(bytes, 0, bytes.length).get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    });
                }
                Result r = measure(label, clients, workers, new CpuMeter(m.runners, leader.raftId(), m.clusterName), null,
                        round == 0 ? warmup : seconds);
                if (!leader.isLeader()) {
                    problem(label + ": the leader changed while measuring");
                }
                out.add(r);
            }
            return out;
        } finally {
            for (JChannel ch : channels) ch.close();
        }
    }

    private static RaftHandle awaitBareLeader(List<RaftHandle> handles) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (RaftHandle h : handles) {
                if (h.isLeader()) return h;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no leader elected within 20 s");
    }

    // ---- driver nodes -------------------------------------------------------------------------------

    private List<Result> runDriver(String system, boolean fsync, int round) throws Exception {
        Members m = new Members(system, fsync, round);
        Map<String, String> raw = new LinkedHashMap<>();
        for (String id : m.ids) raw.put(id, rawUrl(system, m.dir.resolve("node-" + id)));
        if (system.equals("postgresql")) {
            // One schema per member on the local server (each member's "database").
            for (String id : m.ids) {
                String schema = "cb_" + m.clusterName + "_" + id.toLowerCase(Locale.ROOT);
                try (Connection admin = DriverManager.getConnection(PG_URL, PG_USER, ""); Statement st = admin.createStatement()) {
                    st.execute("CREATE SCHEMA " + schema);
                }
                raw.put(id, PG_URL + "?currentSchema=" + schema + "&user=" + PG_USER);
            }
        }
        List<Connection> open = new ArrayList<>();
        try {
            // Every member joins with its first connection; a leader is elected once a majority is up.
            for (String id : m.ids) {
                m.join(id, () -> open.add(DriverManager.getConnection(ledgerUrl(raw.get(id)), m.driverProps(id))));
            }
            String leader = awaitDriverLeader(raw);
            String leaderUrl = ledgerUrl(raw.get(leader));
            Properties leaderProps = m.driverProps(leader);
            try (Connection c = DriverManager.getConnection(leaderUrl, leaderProps); Statement s = c.createStatement()) {
                s.execute(CREATE);
            }
            long committed = 0;
            List<Result> out = new ArrayList<>();
            for (int clients : clientCounts) {
                String label = system + " fsync=" + fsync + " " + clients + "c";
                Client[] workers = new Client[clients];
                List<Connection> conns = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection c = DriverManager.getConnection(leaderUrl, leaderProps);
                    conns.add(c);
                    PreparedStatement ps = c.prepareStatement(INSERT);
                    long[] next = {idBlocks.incrementAndGet() << 40};
                    workers[i] = new Client(label + "-" + i, () -> {
                        bindRow(ps, next[0]++);
                        if (ps.executeUpdate() != 1) throw new SQLException("INSERT did not insert one row");
                    });
                }
                StackSampler sampler = profile && round > 0 ? new StackSampler(m.runners, leader) : null;
                Result r = measure(label, clients, workers, new CpuMeter(m.runners, leader, m.clusterName), sampler,
                        round == 0 ? warmup : seconds);
                if (sampler != null) profiles.put("driver " + label + " (round " + round + ")", sampler.report());
                for (Connection c : conns) c.close();
                for (Client w : workers) committed += w.total;
                if (!leader.equals(leaderOf(raw.get(leader)))) {
                    problem(label + ": the leader changed while measuring");
                }
                out.add(r);
            }
            checkConverged(system + " fsync=" + fsync, raw, committed);
            StringBuilder batches = new StringBuilder();
            for (String id : m.ids) {
                io.ledgerjdbc.replication.ClusterMember.running(m.clusterName, id).ifPresent(member -> batches.append(' ')
                        .append(id).append(member.isLeader() ? " (leader) " : " ").append(String.format("%.1f", member.getApplyBatchMean())));
            }
            LOG.println(system + " fsync=" + fsync + " round " + round + ": write-sets per local transaction (batch apply):" + batches);
            return out;
        } finally {
            for (Connection c : open) c.close();
            LedgerDatabase.leaveClusters();
            if (system.equals("postgresql")) {
                for (String id : m.ids) {
                    try (Connection admin = DriverManager.getConnection(PG_URL, PG_USER, ""); Statement st = admin.createStatement()) {
                        st.execute("DROP SCHEMA cb_" + m.clusterName + "_" + id.toLowerCase(Locale.ROOT) + " CASCADE");
                    } catch (SQLException e) {
                        problem(system + ": dropping the schema of " + id + " failed: " + e);
                    }
                }
            }
            if (system.equals("h2")) {
                for (String url : raw.values()) {
                    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                        s.execute("SHUTDOWN");
                    } catch (SQLException e) {
                        problem(system + ": shutdown failed: " + e);
                    }
                }
            }
        }
    }

    private static String leaderOf(String rawUrl) {
        return LedgerDatabase.clusterStatus(rawUrl).map(ClusterStatus::leader).orElse(null);
    }

    private static String awaitDriverLeader(Map<String, String> raw) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, String> e : raw.entrySet()) {
                if (e.getKey().equals(leaderOf(e.getValue()))) return e.getKey();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no leader elected within 20 s");
    }

    /** All three ledgers equal in size and chain hash, and the table holds what the clients committed. */
    private void checkConverged(String label, Map<String, String> raw, long committed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Map<String, String> heads = new LinkedHashMap<>();
            Map<String, Long> rows = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : raw.entrySet()) {
                try (Connection c = DriverManager.getConnection(e.getValue()); Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT seq, chain_hash FROM ledger_entry ORDER BY seq DESC")) {
                        heads.put(e.getKey(), rs.next() ? rs.getLong(1) + ":" + HexFormat.of().formatHex(rs.getBytes(2)) : "empty");
                    }
                    try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                        rs.next();
                        rows.put(e.getKey(), rs.getLong(1));
                    }
                }
            }
            boolean same = heads.values().stream().distinct().count() == 1 && rows.values().stream().distinct().count() == 1;
            if (same && rows.values().iterator().next() == committed) {
                LOG.printf(Locale.ROOT, "  %s: all three nodes at %s, %,d rows%n", label, heads.values().iterator().next().split(":")[0], committed);
                return;
            }
            if (System.nanoTime() > deadline) {
                problem(label + ": the nodes did not converge: heads " + heads + ", rows " + rows + ", clients counted " + committed);
                return;
            }
            Thread.sleep(50);
        }
    }

    // ---- measuring ----------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Commit {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    /** One client thread: commits in a loop; records each latency while the window is open. */
    private static final class Client extends Thread {
        private final Commit commit;
        volatile boolean running = true;
        volatile boolean measuring;
        long[] latencies = new long[1 << 14];
        int count;
        long total;
        long errors;
        String firstError;

        Client(String name, Commit commit) {
            super("bench-client-" + name);
            this.commit = commit;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                long t0 = System.nanoTime();
                try {
                    commit.run();
                } catch (Exception e) {
                    errors++;
                    if (firstError == null) firstError = e.toString();
                    if (errors > 1000) return;
                    continue;
                }
                long t = System.nanoTime() - t0;
                total++;
                if (measuring) {
                    if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
                    latencies[count++] = t;
                }
            }
        }
    }

    private Result measure(String label, int clients, Client[] workers, CpuMeter cpu, StackSampler sampler, double seconds)
            throws InterruptedException {
        for (Client w : workers) w.start();
        Thread.sleep((long) (warmup * 1000));
        if (sampler != null) sampler.start();
        cpu.start();
        long t0 = System.nanoTime();
        for (Client w : workers) w.measuring = true;
        Thread.sleep((long) (seconds * 1000));
        for (Client w : workers) w.measuring = false;
        long t1 = System.nanoTime();
        Map<String, Long> cpuNanos = cpu.stop();
        if (sampler != null) sampler.stop();
        for (Client w : workers) w.running = false;
        for (Client w : workers) w.join(COMMIT_TIMEOUT.toMillis() + 5000);
        int n = 0;
        long errors = 0;
        for (Client w : workers) {
            n += w.count;
            errors += w.errors;
            if (w.firstError != null) problem(label + ": " + w.errors + " failed commit(s), first: " + w.firstError);
        }
        long[] all = new long[n];
        int at = 0;
        for (Client w : workers) {
            System.arraycopy(w.latencies, 0, all, at, w.count);
            at += w.count;
        }
        Arrays.sort(all);
        Result r = new Result();
        r.clients = clients;
        r.perSecond = n / ((t1 - t0) / 1e9);
        r.p50Millis = n == 0 ? Double.NaN : all[(int) (n * 0.50)] / 1e6;
        r.p99Millis = n == 0 ? Double.NaN : all[Math.min(n - 1, (int) (n * 0.99))] / 1e6;
        long slow = Arrays.stream(all).filter(nanos -> nanos >= SLOW_NANOS).count();
        r.slowPercent = n == 0 ? Double.NaN : 100.0 * slow / n;
        r.errors = errors;
        r.cpuMicrosPerCommit = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : cpuNanos.entrySet()) {
            r.cpuMicrosPerCommit.put(e.getKey(), n == 0 ? Double.NaN : e.getValue() / 1000.0 / n);
        }
        return r;
    }

    private static final class Result {
        int clients;
        double perSecond;
        double p50Millis;
        double p99Millis;
        /** Share of commits that took {@link #SLOW_NANOS} or more (a 40 ms stall shows here before it moves p99). */
        double slowPercent;
        long errors;
        /** CPU per commit by thread kind (see {@link CpuMeter#KINDS}). */
        Map<String, Double> cpuMicrosPerCommit;

        double cpuTotal() {
            return cpuMicrosPerCommit.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        static Result better(Result a, Result b) {
            Result r = a.perSecond >= b.perSecond ? a : b;
            Result out = new Result();
            out.clients = r.clients;
            out.perSecond = r.perSecond;
            out.p50Millis = r.p50Millis;
            out.p99Millis = r.p99Millis;
            out.slowPercent = r.slowPercent;
            out.errors = a.errors + b.errors;
            out.cpuMicrosPerCommit = r.cpuMicrosPerCommit;
            return out;
        }

        String noteSuffix() {
            return errors > 0 ? "  ERRORS=" + errors : "";
        }
    }

    // ---- cluster set-up -----------------------------------------------------------------------------

    /** Three members on free loopback ports with their own directories; one instance per cluster started. */
    private final class Members {
        final List<String> ids = List.of("A", "B", "C");
        final String clusterName = "bench" + UUID.randomUUID().toString().substring(0, 8);
        final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        final Path dir;
        final boolean fsync;

        Members(String system, boolean fsync, int round) throws IOException {
            this.dir = Files.createDirectories(root.resolve(system + "-" + (fsync ? "fsync" : "nofsync") + "-r" + round));
            this.fsync = fsync;
            for (String id : ids) addresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
        }

        /** The Raft runner thread of each member, by thread id (JGroups does not name it after its member). */
        final Map<Long, String> runners = new LinkedHashMap<>();

        /**
         * Starts one member, and notes which runner thread appeared with it. Members join one after the other:
         * the first waits out GMS's join timeout (1 s) and becomes coordinator, the others join it.
         */
        void join(String id, Check start) throws Exception {
            java.util.Set<Long> before = runnerThreads();
            start.run();
            for (long t : runnerThreads()) {
                if (!before.contains(t)) runners.put(t, id);
            }
        }

        private java.util.Set<Long> runnerThreads() {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("runner")) ids.add(t.getId());
            }
            return ids;
        }

        ClusterConfig config(String id) {
            return new ClusterConfig(id, addresses, clusterName, dir.resolve("raft-" + id), COMMIT_TIMEOUT, FAILURE_TIMEOUT, null, fsync);
        }

        /** The same settings as {@link #config}, as driver options. */
        Properties driverProps(String id) {
            StringBuilder members = new StringBuilder();
            addresses.forEach((m, a) -> members.append(members.length() == 0 ? "" : ",").append(m).append("=127.0.0.1:").append(a.getPort()));
            Properties p = new Properties();
            p.setProperty("ledger.node", id);
            p.setProperty("ledger.members", members.toString());
            p.setProperty("ledger.cluster", clusterName);
            p.setProperty("ledger.dataDir", dir.resolve("raft-" + id).toString());
            p.setProperty("ledger.raftFsync", Boolean.toString(fsync));
            p.setProperty("ledger.commitTimeout", COMMIT_TIMEOUT.toSeconds() + "s");
            p.setProperty("ledger.failureTimeout", FAILURE_TIMEOUT.toSeconds() + "s");
            return p;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** SQLite in WAL with synchronous=NORMAL (as DriverBench's sqlite-normal); H2 file with its defaults. */
    private static final String PG_URL = System.getProperty("ledgerjdbc.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = System.getProperty("ledgerjdbc.pg.user", "postgres");

    private static String rawUrl(String system, Path file) {
        return system.equals("sqlite")
                ? "jdbc:sqlite:" + file.toAbsolutePath() + ".sqlite?journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000"
                : "jdbc:h2:" + file.toAbsolutePath();
    }

    private static String ledgerUrl(String rawUrl) {
        return "jdbc:ledger:" + rawUrl.substring("jdbc:".length());
    }

    private static final String[] NAMES = new String[1024];

    static {
        for (int i = 0; i < NAMES.length; i++) NAMES[i] = "customer-" + i;
    }

    private static void bindRow(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, NAMES[(int) (id & (NAMES.length - 1))]);
        ps.setBigDecimal(3, BigDecimal.valueOf(id % 100_000, 2));
        ps.setTimestamp(4, CREATED);
        ps.setInt(5, 0);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
