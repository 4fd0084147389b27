package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A member's database knows which cluster and which Raft log its applied position counts in. A database whose
 * position the log cannot account for (copied, restored, log directory lost, another cluster's) never skips a
 * command: it is adopted when it holds exactly what the log starts from, catches up when it holds less, and is
 * refused with one error naming the repair otherwise. Member processes on real SQLite files, JGroups on loopback.
 */
class ClusterIdentityTest {

    private static final String CREATE = "CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v BIGINT)";

    @TempDir
    Path dir;
    private final List<ProcessCluster> clusters = new ArrayList<>();

    @AfterEach
    void stop() {
        clusters.forEach(ProcessCluster::close);
    }

    /**
     * Issue 11, defect 1: three members seeded from copies of one former member's database, with empty Raft
     * directories, used to acknowledge every commit and apply none (every ordinal of the new log was at or below
     * the copied database's stored one).
     */
    @Test
    void aClusterSeededFromCopiesOfOneMembersDatabaseAppliesEveryAcknowledgedCommit() throws Exception {
        ProcessCluster old = runAndStop("old", 3, 30);
        ProcessCluster seeded = cluster("seeded");
        for (String id : seeded.ids()) copyDatabase(old.databaseFile("A"), seeded.databaseFile(id));
        seeded.acked.addAll(old.acked);
        for (String id : seeded.ids()) seeded.start(id);
        seeded.awaitLeader(20_000);
        for (String id : seeded.ids()) seeded.member(id).write(2);
        awaitNewAcks(seeded, 150, 60_000);
        for (String id : seeded.ids()) seeded.member(id).stopWriting();
        seeded.awaitConverged(30_000);
        seeded.exitAll();
        seeded.assertIdenticalAndComplete();
        assertTrue(seeded.files.ledger("A").size() > old.files.ledger("A").size() + 100,
                "the new cluster's ledgers continue the copied one");
        assertEquals(old.files.ledger("A"), seeded.files.ledger("A").subList(0, old.files.ledger("A").size()),
                "the copied history is kept as it was");
    }

    /**
     * The log is compacted after 4 KiB, so the member gets a snapshot, not the genesis (an uncompacted log's genesis is
     * the path of the online copy in the next test).
     */
    @Test
    void aMemberThatLostItsRaftLogRejoinsWithoutApplyingAnythingTwice() throws Exception {
        ProcessCluster c = cluster("lost");
        c.options.setProperty("ledger.raftLogSize", "4KiB");
        String leader = startWithRows(c, "before-", 40);

        c.kill("C");
        deleteRecursively(c.raftDir("C"));
        leader = c.awaitLeader(20_000);
        insert(c, leader, "while-", 40);
        c.start("C");
        for (String id : c.ids()) insert(c, id, "after-" + id + "-", 10);
        c.awaitConverged(60_000);
        c.exitAll();
        c.assertIdenticalAndComplete(); // applying a command twice would add an entry (or fail as a conflict)
    }

    /**
     * The documented ways to give a member a database from elsewhere: a restored backup of its own (Raft log kept),
     * and an online copy of another member's database (Raft log emptied). Each skips exactly what it holds.
     */
    @Test
    void aRestoredBackupAndAnOnlineCopyOfAnotherMemberReplayOnlyWhatTheyLack() throws Exception {
        ProcessCluster c = cluster("restore");
        startWithRows(c, "first-", 20);

        c.exit("C");
        Path backup = dir.resolve("backup-of-C.db");
        copyDatabase(c.databaseFile("C"), backup);
        c.start("C");
        insert(c, "C", "second-", 20);
        c.awaitConverged(30_000);
        c.exit("C");
        copyDatabase(backup, c.databaseFile("C")); // restored; its Raft log directory stays
        c.start("C");
        insert(c, "C", "third-", 10);
        c.awaitConverged(30_000);

        c.exit("C");
        insert(c, c.awaitLeader(20_000), "fourth-", 10);
        for (String suffix : List.of("", "-wal", "-shm")) Files.deleteIfExists(Path.of(c.databaseFile("C") + suffix));
        try (java.sql.Connection a = c.files.raw("A"); java.sql.Statement s = a.createStatement()) {
            s.execute("VACUUM INTO '" + c.databaseFile("C") + "'"); // SQLite's online copy, while A runs
        }
        deleteRecursively(c.raftDir("C"));
        c.start("C");
        for (String id : c.ids()) insert(c, id, "fifth-" + id + "-", 5);
        c.awaitConverged(60_000);
        c.exitAll();
        c.assertIdenticalAndComplete();
    }

    @ParameterizedTest(name = "its Raft log kept: {0}")
    @ValueSource(booleans = {true, false})
    void aDatabaseOfAnotherClusterIsRefusedWithOneClearError(boolean keepRaftLog) throws Exception {
        ProcessCluster other = runAndStop("other", 1, 5);
        ProcessCluster c = cluster(keepRaftLog ? "main" : "mainx");
        startWithRows(c, "main-", 10);

        c.exit("C");
        copyDatabase(other.databaseFile("A"), c.databaseFile("C"));
        if (!keepRaftLog) deleteRecursively(c.raftDir("C"));
        String reply = c.startRefused("C");
        assertTrue(reply.startsWith("ERR 08"), reply);
        assertTrue(reply.contains("another cluster") && reply.contains("operations.md"),
                () -> "the error names the cause and the repair: " + reply);
        assertTrue(c.logText("C").contains("another cluster"), "the refused member logs why");
        assertEquals(other.files.ledger("A"), c.files.ledger("C"), "nothing was applied to the foreign database");

        insert(c, c.awaitLeader(20_000), "still-", 5); // the majority goes on
    }

    private ProcessCluster cluster(String name) throws IOException {
        return cluster(name, 3);
    }

    private ProcessCluster cluster(String name, int size) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        ProcessCluster c = new ProcessCluster(d, TestCluster.Db.SQLITE, size);
        clusters.add(c);
        return c;
    }

    /** A cluster of {@code size} members that ran, created kv, committed {@code rows} keys through its leader and stopped. */
    private ProcessCluster runAndStop(String name, int size, int rows) throws Exception {
        ProcessCluster c = cluster(name, size);
        startWithRows(c, name + "-", rows);
        c.exitAll();
        return c;
    }

    /** Starts every member, creates kv through the leader, commits {@code rows} keys there; returns the leader. */
    private static String startWithRows(ProcessCluster c, String prefix, int rows) throws Exception {
        for (String id : c.ids()) c.start(id);
        String leader = c.awaitLeader(20_000);
        ok(c.member(leader).exec(CREATE));
        insert(c, leader, prefix, rows);
        c.awaitConverged(30_000);
        return leader;
    }

    private static void insert(ProcessCluster c, String id, String prefix, int rows) throws InterruptedException {
        for (int i = 0; i < rows; i++) {
            String key = prefix + i;
            ok(c.member(id).exec("INSERT INTO kv (k, v) VALUES ('" + key + "', " + i + ")"));
            c.acked.add(key);
        }
    }

    private static void ok(String reply) {
        assertTrue(reply.startsWith("OK"), reply);
    }

    private static void awaitNewAcks(ProcessCluster c, int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (c.running.values().stream().mapToInt(m -> m.acks.size()).sum() < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("fewer than " + n + " commits acknowledged within " + timeoutMillis + " ms: " + c.describe());
            }
            Thread.sleep(50);
        }
    }

    /** Copies a stopped member's SQLite database (its WAL too, if one was left). */
    static void copyDatabase(Path from, Path to) throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path source = Path.of(from + suffix);
            Path target = Path.of(to + suffix);
            if (Files.exists(source)) {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(target);
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
