package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of member processes under load, leader and follower, in rounds; each comes back on its own database
 * and Raft log, re-reads the log and must skip what its database already holds. In the end every acknowledged
 * commit is on every member and the ledgers are byte-identical.
 */
class ProcessCrashTest {

    /** Kept when the test fails: the members' databases and Raft logs are what explains a divergence. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @ParameterizedTest
    @EnumSource(TestCluster.Db.class)
    void everyAcknowledgedCommitSurvivesKillNineOfLeaderAndFollowerInRounds(TestCluster.Db db) throws Exception {
        cluster = new ProcessCluster(dir, db, 3);
        for (String id : cluster.ids()) cluster.start(id);
        String leader = cluster.awaitLeader(10_000);
        assertTrue(cluster.member(leader).exec("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v BIGINT)").startsWith("OK"));
        cluster.awaitConverged(30_000);
        for (String id : cluster.ids()) cluster.member(id).write(2);
        for (int round = 0; round < 3; round++) {
            Thread.sleep(700);
            restartAfterKill(cluster.awaitLeader(10_000));
            Thread.sleep(700);
            leader = cluster.awaitLeader(10_000);
            String follower = leader.equals("A") ? "B" : "A";
            restartAfterKill(follower);
        }
        Thread.sleep(700);
        for (ProcessCluster.Member m : cluster.running.values()) m.stopWriting();
        try {
            cluster.awaitConverged(30_000);
        } catch (AssertionError e) {
            AssertionError kept = new AssertionError(e.getMessage() + " (Raft logs, and SQLite or H2 files, kept in " + dir + ")", e);
            try {
                cluster.exitAll(); // closed cleanly, so an H2 member keeps what it had applied
            } catch (AssertionError notExited) {
                kept.addSuppressed(notExited);
            }
            throw kept;
        }
        System.out.println("[crash " + db + "] " + cluster.acked.size() + " acknowledged commits over 6 kills");
        assertTrue(cluster.acked.size() > 0, "some writes were acknowledged");
        cluster.exitAll();
        cluster.assertIdenticalAndComplete();
    }

    private void restartAfterKill(String id) throws Exception {
        cluster.kill(id);
        Thread.sleep(300); // the others notice, and keep writing
        cluster.start(id).write(2);
    }
}
