package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A cluster whose members are real JVM processes ({@link NodeProcess}), each with its own database file and
 * Raft log, so a test can kill -9 one, freeze one (SIGSTOP), and restart it on the same files.
 */
final class ProcessCluster implements AutoCloseable {

    /** A reply the test waits for longer than this means the member hangs: fail instead of blocking CI. */
    private static final long REPLY_SECONDS = 30;

    final TestCluster files;
    /** Every key some member acknowledged, across all incarnations of every member. */
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final Map<String, Member> running = new LinkedHashMap<>();
    private final Map<String, Integer> incarnations = new ConcurrentHashMap<>();
    /** Members stopped by SIGSTOP: they cannot answer, so status polls skip them. */
    private final Set<String> frozen = ConcurrentHashMap.newKeySet();

    /** Options every member gets on top of the test defaults. */
    final Properties options = new Properties();
    /** Options of one member, on top of {@link #options} (e.g. another member list). */
    final Map<String, Properties> memberOptions = new ConcurrentHashMap<>();
    /** The members' stderr, kept after the test (the databases live in the test's temporary directory). */
    final Path logs;

    ProcessCluster(Path dir, TestCluster.Db db, int size) throws IOException {
        this.files = new TestCluster(dir, db, size);
        this.logs = Path.of("target", "process-logs", files.clusterName);
        // No journal mode given: the cluster applier switches SQLite members to WAL itself, and the driver opens H2
        // files with WRITE_DELAY 0 (H2's default background store can reopen after a kill with part of a transaction).
    }

    List<String> ids() {
        return files.ids;
    }

    /** One incarnation of a member: the process, its replies, and what its writers reported. */
    final class Member {
        final String id;
        final int incarnation;
        final Process process;
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        final List<String[]> acks = new CopyOnWriteArrayList<>();
        final List<String[]> fails = new CopyOnWriteArrayList<>();
        private final PrintWriter in;
        private int writeRuns;

        Member(String id, int incarnation, Process process) {
            this.id = id;
            this.incarnation = incarnation;
            this.process = process;
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(this::readOutput, "out-" + id + incarnation);
            reader.setDaemon(true);
            reader.start();
        }

        private void readOutput() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        String[] f = line.split(" ");
                        acked.add(f[1]);
                        acks.add(f);
                    } else if (line.startsWith("FAIL ")) {
                        fails.add(line.split(" ", 7));
                    } else {
                        replies.add(line);
                    }
                }
            } catch (IOException e) {
                // the process died: its replies end here
            }
        }

        String reply() throws InterruptedException {
            String line = replies.poll(REPLY_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("member " + id + " did not answer within " + REPLY_SECONDS + " s (alive: "
                        + process.isAlive() + "; see " + log() + ")");
            }
            return line;
        }

        String send(String command) throws InterruptedException {
            in.println(command);
            return reply();
        }

        /** Runs one statement through this member's driver; the reply line ({@code OK ...} or {@code ERR ...}). */
        String exec(String sql) throws InterruptedException {
            return send("EXEC " + sql);
        }

        List<String> query(String sql) throws InterruptedException {
            in.println("QUERY " + sql);
            List<String> rows = new ArrayList<>();
            for (String line = reply(); !line.equals("END"); line = reply()) {
                if (line.startsWith("ERR")) {
                    throw new AssertionError("query on " + id + " failed: " + line);
                }
                rows.add(line.substring(4));
            }
            return rows;
        }

        /** Starts writers whose keys ({@code <id><incarnation>w<run>-<n>}) no other run of any member uses. */
        void write(int threads) {
            in.println("WRITE " + id + incarnation + "w" + (++writeRuns) + " " + threads);
        }

        void stopWriting() throws InterruptedException {
            String r = send("STOP");
            assertTrue(r.startsWith("STOPPED"), r);
        }

        Map<String, String> status() throws InterruptedException {
            String line = send("STATUS");
            Map<String, String> m = new LinkedHashMap<>();
            for (String kv : line.substring("STATUS ".length()).split(" ", 8)) {
                int eq = kv.indexOf('=');
                if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return m;
        }

        long pid() {
            return process.pid();
        }

        Path log() {
            return logs.resolve("node-" + id + "-" + incarnation + ".log");
        }
    }

    /** Starts member {@code id} on its files and waits until it has joined. */
    Member start(String id) throws Exception {
        Member m = launch(id);
        String ready = m.reply();
        assertTrue(ready.startsWith("READY"), () -> "member " + id + " did not start: " + ready + " (see " + m.log() + ")");
        return m;
    }

    /**
     * Starts member {@code id} expecting its first connection to fail; returns the {@code ERR <sqlstate> 0 <message>}
     * it reported, once the process has exited.
     */
    String startRefused(String id) throws Exception {
        Member m = launch(id);
        String reply = m.reply();
        assertTrue(reply.startsWith("ERR"), () -> "member " + id + " started although it should have been refused: " + reply);
        assertTrue(m.process.waitFor(REPLY_SECONDS, TimeUnit.SECONDS), "refused member " + id + " did not exit");
        running.remove(id);
        return reply;
    }

    /** Starts member {@code id}'s process without waiting for its first reply ({@code READY} or {@code ERR}). */
    Member launch(String id) throws Exception {
        int n = incarnations.merge(id, 1, Integer::sum);
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-Djgroups.use.jdk_logger=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", classpath(),
                NodeProcess.class.getName(), "jdbc:ledger:" + files.rawUrl(id).substring("jdbc:".length())));
        Properties p = files.props(id);
        p.putAll(options);
        p.putAll(memberOptions.getOrDefault(id, new Properties()));
        for (String k : p.stringPropertyNames()) cmd.add(k + "=" + p.getProperty(k));
        java.nio.file.Files.createDirectories(logs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(logs.resolve("node-" + id + "-" + n + ".log").toFile());
        Member m = new Member(id, n, pb.start());
        running.put(id, m);
        return m;
    }

    /** The database file of member {@code id} (SQLite clusters). */
    Path databaseFile(String id) {
        return files.dir.resolve("node-" + id + ".db");
    }

    /** Member {@code id}'s Raft log directory. */
    Path raftDir(String id) {
        return Path.of(files.props(id).getProperty("ledger.dataDir"));
    }

    /** What member {@code id} logged in its incarnations so far. */
    String logText(String id) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= incarnations.getOrDefault(id, 0); n++) {
            Path file = logs.resolve("node-" + id + "-" + n + ".log");
            if (java.nio.file.Files.exists(file)) sb.append(java.nio.file.Files.readString(file));
        }
        return sb.toString();
    }

    Member member(String id) {
        return running.get(id);
    }

    /** kill -9: the process gets no chance to flush or leave. */
    void kill(String id) throws InterruptedException {
        Member m = running.remove(id);
        m.process.destroyForcibly();
        assertTrue(m.process.waitFor(10, TimeUnit.SECONDS), "killed member " + id + " did not die");
    }

    /** Leaves the cluster in order and waits for the process to end. */
    void exit(String id) throws InterruptedException {
        Member m = running.remove(id);
        m.in.println("EXIT");
        if (!m.process.waitFor(20, TimeUnit.SECONDS)) {
            m.process.destroyForcibly();
            throw new AssertionError("member " + id + " did not exit");
        }
    }

    /** SIGSTOP / SIGCONT: the process stays, silent, as if cut off by the network, then comes back. */
    void signal(String id, String signal) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(member(id).pid())).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + signal);
        if (signal.equals("STOP")) {
            frozen.add(id);
        } else {
            frozen.remove(id);
        }
    }

    /** The member that calls itself leader, once one does and the others agree. */
    String awaitLeader(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            for (Member m : answering()) {
                if ("Leader".equals(m.status().get("role"))) {
                    return m.id;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader within " + timeoutMillis + " ms: " + describe());
    }

    private List<Member> answering() {
        return running.values().stream().filter(m -> !frozen.contains(m.id)).toList();
    }

    /** Waits until every running member has applied the same number of ledger entries and none diverged. */
    long awaitConverged(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Map<String, String> sizes = new LinkedHashMap<>();
        while (true) {
            sizes.clear();
            for (Member m : answering()) {
                Map<String, String> s = m.status();
                assertEquals("-", s.get("diverged"), () -> "member " + m.id + " diverged: " + s);
                sizes.put(m.id, s.get("size"));
            }
            if (sizes.values().stream().distinct().count() == 1) {
                return Long.parseLong(sizes.values().iterator().next());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("members did not converge within " + timeoutMillis + " ms: " + describe());
            }
            Thread.sleep(100);
        }
    }

    /** Every answering member's status line, for failure messages. */
    String describe() {
        StringBuilder sb = new StringBuilder("cluster ").append(files.clusterName).append(" (logs in ").append(logs.toAbsolutePath()).append(")");
        for (Member m : answering()) {
            try {
                Path dump = logs.resolve("threads-" + m.id + "-" + m.incarnation + "-" + System.currentTimeMillis() + ".txt");
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), Long.toString(m.pid()))
                        .redirectOutput(dump.toFile()).redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // a missing thread dump must not hide the failure it was meant to explain
            }
            try {
                sb.append("\n  ").append(m.id).append(": ").append(m.status()).append(", ").append(m.acks.size())
                        .append(" acks, ").append(m.fails.size()).append(" fails");
                m.fails.stream().skip(Math.max(0, m.fails.size() - 3)).forEach(f -> sb.append("\n    ").append(String.join(" ", f)));
            } catch (InterruptedException | AssertionError e) {
                sb.append("\n  ").append(m.id).append(": no answer");
            }
        }
        return sb.toString();
    }

    /** Stops every member in order (so their database files can be opened here). */
    void exitAll() throws InterruptedException {
        for (Member m : running.values()) {
            m.in.println("EXIT");
        }
        for (Member m : running.values()) {
            if (!m.process.waitFor(20, TimeUnit.SECONDS)) {
                m.process.destroyForcibly();
                throw new AssertionError("member " + m.id + " did not exit");
            }
        }
        running.clear();
    }

    /** Verifies one member's ledger in its database (all members stopped) and returns its Merkle root. */
    String verifiedRoot(String id) throws SQLException {
        try (Connection c = files.raw(id)) {
            VerifyReport report = new LedgerVerifier(new LedgerStore(SqlDialect.of(c))).verify(c, VerifyOptions.defaults(), f -> { });
            assertTrue(report.clean(), () -> "the ledger of " + id + " does not verify: " + report);
            return HexFormat.of().formatHex(report.root());
        }
    }

    /**
     * After {@link #exitAll}: every member's ledger is byte-identical and verifies to the same root, every table row
     * is the change of exactly one entry, and every acknowledged key is there.
     */
    void assertIdenticalAndComplete() throws Exception {
        assertIdenticalAndComplete(files.ids);
    }

    /** {@link #assertIdenticalAndComplete()} over the members {@code ids} only (others left the cluster). */
    void assertIdenticalAndComplete(List<String> ids) throws Exception {
        String first = ids.get(0);
        List<String> ledger = files.ledger(first);
        String root = verifiedRoot(first);
        List<String> rows = files.rows(first, "SELECT k, v FROM kv ORDER BY k");
        for (String id : ids) {
            assertEquals(ledger.size(), files.ledger(id).size(), "ledger size of " + id);
            assertEquals(ledger, files.ledger(id), "ledger of " + id);
            assertEquals(root, verifiedRoot(id), "root of " + id);
            assertEquals(rows, files.rows(id, "SELECT k, v FROM kv ORDER BY k"), "table kv of " + id);
        }
        assertEquals(ledger.size() - 1, rows.size(), "one entry for the CREATE TABLE and one per row");
        Set<String> keys = ConcurrentHashMap.newKeySet();
        rows.forEach(r -> keys.add(r.substring(0, r.indexOf('|'))));
        List<String> lost = acked.stream().filter(k -> !keys.contains(k)).sorted().toList();
        assertTrue(lost.isEmpty(), () -> lost.size() + " acknowledged commits are missing: " + lost.subList(0, Math.min(20, lost.size())));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Override
    public void close() {
        for (Member m : running.values()) {
            m.process.destroyForcibly();
        }
        running.clear();
    }
}
