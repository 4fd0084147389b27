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
        try (Connection raw = cluster.raw("C"); Statement s = raw.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = 1000000 WHERE id = 1")); // behind the ledger's back
        }
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = balance - 10 WHERE id = 1"));
        }
        // C's certification saw another row than the others did: it rejected what they committed.
        long deadline = System.currentTimeMillis() + 10_000;
        ClusterStatus c = LedgerNode.clusterStatus(cluster.rawUrl("C")).orElseThrow();
        while (c.diverged() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            c = LedgerNode.clusterStatus(cluster.rawUrl("C")).orElseThrow();
        }
        String why = c.diverged();
        assertTrue(why != null && (why.contains("differs") || why.contains("entries")), String.valueOf(why));
        try (Connection onC = cluster.connect("C"); Statement s = onC.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE acct SET balance = 0 WHERE id = 1"));
            assertEquals("08006", e.getSQLState(), e.getMessage());
            assertEquals(List.of("1000000"), cluster.rows("C", "SELECT balance FROM acct"), "reads still work on C");
        }
        try (Connection b = cluster.connect("B"); Statement s = b.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = balance - 1 WHERE id = 1"), "the majority goes on");
        }
        cluster.awaitConverged(2_000);
        assertEquals(List.of("89"), cluster.rows("A", "SELECT balance FROM acct"));
        assertEquals(cluster.ledger("A"), cluster.ledger("B"));
    }
}
