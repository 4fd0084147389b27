package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions made by freezing member processes (SIGSTOP: the process stays, silent, like a host behind a cut
 * cable). The majority side keeps committing; a member on the minority side refuses writes with SQLState class
 * 08 within its commit timeout and still answers reads from its own database; after the heal (SIGCONT) every
 * member catches up and the ledgers are identical.
 */
class ProcessPartitionTest {

    private static final long COMMIT_TIMEOUT_MILLIS = 3000;

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void theMajorityCommitsTheMinorityRefusesWritesButReadsAndAfterTheHealAllAgree() throws Exception {
        cluster = new ProcessCluster(dir, TestCluster.Db.SQLITE, 3);
        cluster.options.setProperty("ledger.commitTimeout", COMMIT_TIMEOUT_MILLIS + "ms");
        for (String id : cluster.ids()) cluster.start(id);
        String leader = cluster.awaitLeader(10_000);
        assertTrue(cluster.member(leader).exec("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v BIGINT)").startsWith("OK"));
        cluster.awaitConverged(30_000);

        // A follower is cut off: the two others are the majority and keep committing.
        String cut = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        List<String> majority = cluster.ids().stream().filter(id -> !id.equals(cut)).toList();
        cluster.signal(cut, "STOP");
        long cutAt = System.currentTimeMillis();
        for (String id : majority) cluster.member(id).write(2);
        Thread.sleep(3000);
        for (String id : majority) cluster.member(id).stopWriting();
        long ackedWhileCut = majority.stream().flatMap(id -> cluster.member(id).acks.stream())
                .filter(a -> Long.parseLong(a[2]) > cutAt + 1500).count();
        assertTrue(ackedWhileCut > 0, () -> "the majority committed nothing while " + cut + " was cut off: " + cluster.describe());
        cluster.signal(cut, "CONT");
        long sizeAfterHeal = cluster.awaitConverged(30_000);

        // Now the leader's side is the minority: freeze the two others, write on the one left.
        String alone = majority.get(0);
        for (String id : cluster.ids()) {
            if (!id.equals(alone)) cluster.signal(id, "STOP");
        }
        Thread.sleep(1500); // failure detection: ledger.failureTimeout (1 s) and the suspicion check
        String reply = cluster.member(alone).exec("INSERT INTO kv (k, v) VALUES ('minority', 1)");
        String[] f = reply.split(" ", 4);
        assertEquals("ERR", f[0], reply);
        assertTrue(f[1].startsWith("08"), () -> "a write on the minority side must fail with SQLState class 08: " + reply);
        assertTrue(Long.parseLong(f[2]) <= COMMIT_TIMEOUT_MILLIS + 2000, () -> "it must fail within the commit timeout: " + reply);
        assertEquals(List.of(Long.toString(sizeAfterHeal - 1)), cluster.member(alone).query("SELECT COUNT(*) FROM kv"),
                "reads keep working on the minority side, from the local database");

        for (String id : cluster.ids()) {
            if (!id.equals(alone)) cluster.signal(id, "CONT");
        }
        cluster.awaitLeader(20_000);
        assertTrue(cluster.member(alone).exec("INSERT INTO kv (k, v) VALUES ('healed', 2)").startsWith("OK"),
                "after the heal the former minority member commits again");
        cluster.acked.add("healed");
        cluster.awaitConverged(30_000);
        System.out.println("[partition] majority committed " + ackedWhileCut + " while a member was cut off; minority write: " + reply);
        cluster.exitAll();
        cluster.assertIdenticalAndComplete();
    }
}
