package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ledgerjdbc.driver.LedgerNode;
import io.ledgerjdbc.replication.ClusterStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A member whose database no longer follows the log stops applying and says so, instead of moving on. */
class DivergenceTest extends InProcessClusterTest {


    @Test
    void aTamperedMemberStopsAsDivergedWhileTheOthersContinue() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INTEGER)");
            s.executeUpdate("INSERT INTO acct (id, balance) VALUES (1, 100)");
        }
        cluster.awaitConverged(5_000);
        // Tamper with a follower: the leader's own outcome is what the writer gets, and a tampered leader would
        // answer the write below with 40001 instead of letting the majority commit it.
        String victim = cluster.ids.stream()
                .filter(id -> !"Leader".equals(LedgerNode.clusterStatus(cluster.rawUrl(id)).orElseThrow().role()))
                .reduce((x, y) -> y).orElseThrow();
        List<String> healthy = cluster.ids.stream().filter(id -> !id.equals(victim)).toList();
        String first = healthy.get(0);
        String second = healthy.get(1);
        try (Connection raw = cluster.raw(victim); Statement s = raw.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = 1000000 WHERE id = 1")); // behind the ledger's back
        }
        try (Connection a = cluster.connect(first); Statement s = a.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = balance - 10 WHERE id = 1"));
        }
        // The victim's certification saw another row than the others did: it rejected what they committed.
        long deadline = System.currentTimeMillis() + 10_000;
        ClusterStatus c = LedgerNode.clusterStatus(cluster.rawUrl(victim)).orElseThrow();
        while (c.diverged() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            c = LedgerNode.clusterStatus(cluster.rawUrl(victim)).orElseThrow();
        }
        String why = c.diverged();
        assertTrue(why != null && (why.contains("differs") || why.contains("entries")), String.valueOf(why));
        try (Connection onC = cluster.connect(victim); Statement s = onC.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE acct SET balance = 0 WHERE id = 1"));
            assertEquals("08006", e.getSQLState(), e.getMessage());
            assertEquals(List.of("1000000"), cluster.rows(victim, "SELECT balance FROM acct"), "reads still work on the victim");
        }
        try (Connection b = cluster.connect(second); Statement s = b.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = balance - 1 WHERE id = 1"), "the majority goes on");
        }
        cluster.awaitConverged(2_000);
        assertEquals(List.of("89"), cluster.rows(first, "SELECT balance FROM acct"));
        assertEquals(cluster.ledger(first), cluster.ledger(second));
    }
}
