package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member that was never started (empty database, empty Raft log) joins a cluster that already holds many
 * entries, while writes continue, and catches up from the Raft log (snapshots are off on purpose, see
 * RaftStack). Its catch-up rate and the cluster's write rate over the same time are printed.
 *
 * <p>CI uses {@code ledgerjdbc.joinEntries=2000} (the cluster writes ~100-150 entries/s here, so 10k would take
 * over a minute just to fill); the figure is
 * {@code mvn -o -pl ledger,replication,driver test -Dtest=ProcessJoinTest -Dsurefire.failIfNoSpecifiedTests=false
 * "-DargLine=-Dledgerjdbc.joinEntries=100000 -Djunit.jupiter.execution.timeout.default=60m"} (filling takes ~15 min).
 */
class ProcessJoinTest {

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void aNeverStartedMemberCatchesUpFromTheLogWhileWritesContinue() throws Exception {
        long entries = Long.getLong("ledgerjdbc.joinEntries", 2000);
        cluster = new ProcessCluster(dir, TestCluster.Db.SQLITE, 3);
        cluster.start("A");
        cluster.start("B");
        String leader = cluster.awaitLeader(10_000);
        assertTrue(cluster.member(leader).exec("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v BIGINT)").startsWith("OK"));
        cluster.awaitConverged(30_000);
        cluster.member("A").write(4);
        cluster.member("B").write(4);
        long filledFrom = System.currentTimeMillis();
        while (size(leader) < entries) Thread.sleep(200);
        long filled = System.currentTimeMillis();
        long backlog = size(leader);

        long joinedAt = System.currentTimeMillis();
        cluster.start("C");
        long started = System.currentTimeMillis();
        long deadline = started + Math.max(60_000, entries * 20);
        long leaderAtStart = size(leader);
        long caughtUpAt = 0;
        long sizeC = 0;
        long leaderAtCatchUp = 0;
        while (System.currentTimeMillis() < deadline) {
            sizeC = size("C");
            long leaderNow = size(leader);
            if (sizeC >= leaderAtStart && leaderNow - sizeC < 100) {
                caughtUpAt = System.currentTimeMillis();
                leaderAtCatchUp = leaderNow;
                break;
            }
            Thread.sleep(100);
        }
        String state = cluster.describe();
        for (ProcessCluster.Member m : cluster.running.values()) m.stopWriting();
        assertTrue(caughtUpAt > 0, () -> "the new member did not catch up while writes continued: " + state);
        double seconds = (caughtUpAt - started) / 1000.0;
        System.out.printf("[join] backlog %d entries written in %.1f s (%.0f/s); member C started in %d ms, applied %d entries"
                        + " in %.1f s (%.0f/s) while the cluster wrote %.0f/s (%d entries)%n",
                backlog, (filled - filledFrom) / 1000.0, backlog * 1000.0 / (filled - filledFrom), started - joinedAt, sizeC,
                seconds, sizeC / seconds, (leaderAtCatchUp - leaderAtStart) / seconds, leaderAtCatchUp - leaderAtStart);
        cluster.awaitConverged(60_000);
        cluster.exitAll();
        cluster.assertIdenticalAndComplete();
    }

    private long size(String id) throws InterruptedException {
        Map<String, String> s = cluster.member(id).status();
        return Long.parseLong(s.get("size"));
    }
}
