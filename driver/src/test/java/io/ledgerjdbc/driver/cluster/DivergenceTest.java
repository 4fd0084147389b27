package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.replication.ClusterStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A member whose database no longer follows the log stops applying, says so and leaves, instead of moving on; the
 * majority goes on. When the tampered member is the leader, its answer is not trusted: the others committed.
 */
class DivergenceTest extends InProcessClusterTest {

    @ParameterizedTest(name = "tampered member is the {0}")
    @ValueSource(strings = {"follower", "leader"})
    void aTamperedMemberStopsAsDivergedWhileTheMajorityGoesOn(String which) throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INTEGER)");
            s.executeUpdate("INSERT INTO acct (id, balance) VALUES (1, 100)");
        }
        cluster.awaitConverged(20_000);
        String leader = cluster.ids.stream().filter(id -> "Leader".equals(role(id))).findFirst().orElseThrow();
        List<String> followers = cluster.ids.stream().filter(id -> !id.equals(leader)).toList();
        String tampered = which.equals("leader") ? leader : followers.get(0);
        String writer = cluster.ids.stream().filter(id -> !id.equals(tampered)).findFirst().orElseThrow();
        String other = cluster.ids.stream().filter(id -> !id.equals(tampered) && !id.equals(writer)).findFirst().orElseThrow();
        try (Connection raw = cluster.raw(tampered); Statement s = raw.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = 1000000 WHERE id = 1")); // behind the ledger's back
        }
        try (Connection w = cluster.connect(writer); Statement s = w.createStatement()) {
            try {
                assertEquals(1, s.executeUpdate("UPDATE acct SET balance = balance - 10 WHERE id = 1"));
            } catch (SQLException e) {
                // A tampered leader rejected what the writer's own node committed: the answer is "unknown", never 40001.
                assertEquals("leader", which, e.toString());
                assertEquals("08007", e.getSQLState(), e.getMessage());
            }
        }
        long deadline = System.currentTimeMillis() + 15_000;
        ClusterStatus t = LedgerDatabase.clusterStatus(cluster.rawUrl(tampered)).orElseThrow();
        while (t.diverged() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            t = LedgerDatabase.clusterStatus(cluster.rawUrl(tampered)).orElseThrow();
        }
        assertTrue(t.diverged() != null && t.diverged().contains("disagrees"), String.valueOf(t.diverged()));
        try (Connection onTampered = cluster.connect(tampered); Statement s = onTampered.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE acct SET balance = 0 WHERE id = 1"));
            assertEquals("08006", e.getSQLState(), e.getMessage());
            assertEquals(List.of("1000000"), cluster.rows(tampered, "SELECT balance FROM acct"), "reads still work there");
        }
        for (String healthy : List.of(writer, other)) {
            assertEquals(null, LedgerDatabase.clusterStatus(cluster.rawUrl(healthy)).orElseThrow().diverged(), healthy + " is healthy");
        }
        try (Connection o = cluster.connect(other); Statement s = o.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE acct SET balance = balance - 1 WHERE id = 1"), "the majority goes on");
        }
        // A commit is acknowledged once its own node applied it; the writer may still be applying it.
        cluster.awaitConverged(20_000, List.of(writer, other));
        assertEquals(List.of("89"), cluster.rows(writer, "SELECT balance FROM acct"));
        assertEquals(List.of("89"), cluster.rows(other, "SELECT balance FROM acct"));
        assertEquals(cluster.ledger(writer), cluster.ledger(other));
    }

    private String role(String id) {
        return LedgerDatabase.clusterStatus(cluster.rawUrl(id)).orElseThrow().role();
    }
}
