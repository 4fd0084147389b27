package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members added, replaced and removed through the Raft log while two members keep writing, every member its own
 * JVM: a fourth member joins by the snapshot (the log was compacted) and counts toward the majority; a dead
 * member is replaced; a live one is removed and leaves. Every acknowledged commit is on every remaining member,
 * whose ledgers are byte-identical and verify.
 */
class MembershipChangeTest {

    @TempDir
    Path dir;
    ProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void aMemberAddedReplacedAndRemovedUnderLoadLosesNoAcknowledgedCommit() throws Exception {
        cluster = new ProcessCluster(dir, TestCluster.Db.SQLITE, 3);
        cluster.options.setProperty("ledger.raftLogSize", "32KiB"); // compacted within seconds: D and E join by snapshot
        for (String id : cluster.ids()) cluster.start(id);
        String leader = cluster.awaitLeader(10_000);
        assertTrue(cluster.member(leader).exec("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v BIGINT)").startsWith("OK"));
        cluster.awaitConverged(30_000);
        assertEquals("MEMBERS A,B,C", cluster.member("A").send("MEMBERS"));

        cluster.member("A").write(2);
        cluster.member("B").write(2);
        awaitSize("A", 400, 60_000);

        // A fourth member: added through the log, then started with the new list; it installs the ledger by snapshot.
        long phase = System.currentTimeMillis();
        // Through the CLI, by B's database.
        String added = cli("cluster", "add", "D", cluster.files.rawUrl("B"));
        assertTrue(added.startsWith("0 added D: members now [A, B, C, D]"), added);
        assertEquals("MEMBERS A,B,C,D", cluster.member("A").send("MEMBERS"));
        cluster.files.addId("D");
        cluster.start("D");
        awaitSize("D", 400, 60_000);
        assertTrue(cluster.logText("D").contains("installs ledger entries"), "D joined by the snapshot path: see " + cluster.logs);
        assertAckedSince(phase, "while D was added");

        // D counts: with C killed, A, B and D are the only majority (3 of 4) and commits go on.
        cluster.kill("C");
        phase = System.currentTimeMillis();
        assertAckedSince(phase, "with C dead, A, B and D being the majority");

        // Replace the dead C by E.
        String removed = cluster.member("A").send("REMOVE C");
        assertTrue(removed.startsWith("OK"), removed);
        cluster.files.retireId("C");
        String addedE = cluster.member("D").send("ADD E");
        assertTrue(addedE.startsWith("OK"), addedE);
        cluster.files.addId("E");
        cluster.start("E");
        phase = System.currentTimeMillis();
        awaitSize("E", 400, 60_000);
        assertEquals("MEMBERS A,B,D,E", cluster.member("E").send("MEMBERS"));
        assertAckedSince(phase, "while E replaced C");

        // Remove a live member (B, which is writing): it leaves, its clients fail, the others go on.
        String removedB = cli("cluster", "remove", "B", cluster.files.rawUrl("A"));
        assertTrue(removedB.startsWith("0 removed B"), removedB);
        cluster.files.retireId("B");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!cluster.member("B").status().get("diverged").startsWith("removed") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(cluster.member("B").status().get("diverged").startsWith("removed"), () -> "B left: " + cluster.describe());
        String refused = cluster.member("B").exec("INSERT INTO kv (k, v) VALUES ('on-removed-b', 1)");
        assertTrue(refused.startsWith("ERR 08006"), refused);
        phase = System.currentTimeMillis();
        assertAckedSince(phase, "after B was removed");

        cluster.member("A").stopWriting();
        cluster.member("B").stopWriting();
        cluster.exit("B");
        assertEquals("MEMBERS A,D,E", cluster.member("A").send("MEMBERS"));
        cluster.awaitConverged(60_000);
        Thread.sleep(1500); // each member rewrites its status row about once a second
        String list = cli("cluster", "list", cluster.files.rawUrl("A"), cluster.files.rawUrl("D"), cluster.files.rawUrl("E"));
        assertTrue(list.startsWith("0 ") && list.contains("every member reports the members A,D,E"), list);
        long acked = cluster.acked.size();
        System.out.println("[membership] " + acked + " commits acknowledged across add D, kill C, replace C by E, remove B");
        cluster.exitAll();
        cluster.assertIdenticalAndComplete(List.of("A", "D", "E"));
    }

    /** Runs the CLI in this JVM: its exit code, a space, and what it printed. */
    private static String cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        int code = io.ledgerjdbc.cli.LedgerCli.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(out, true));
        return code + " " + out;
    }

    /** Waits until member {@code id}'s ledger holds at least {@code size} entries. */
    private void awaitSize(String id, long size, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            Map<String, String> s = cluster.member(id).status();
            assertEquals("-", s.get("diverged"), () -> id + " diverged: " + s);
            if (Long.parseLong(s.get("size")) >= size) return;
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(id + " did not reach ledger size " + size + ": " + cluster.describe());
            }
            Thread.sleep(100);
        }
    }

    /** Waits (up to 30 s) until A's writers got a commit acknowledged that started after {@code since}. */
    private void assertAckedSince(long since, String when) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (cluster.member("A").acks.stream().noneMatch(a -> Long.parseLong(a[2]) > since)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no commit acknowledged " + when + ": " + cluster.describe());
            }
            Thread.sleep(50);
        }
    }
}
