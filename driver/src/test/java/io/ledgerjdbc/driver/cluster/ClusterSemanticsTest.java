package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What an application sees of a 3-node cluster: serializable-enough transfers, determinism, generated keys. */
class ClusterSemanticsTest extends InProcessClusterTest {


    private void createTable(String ddl) throws Exception {
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate(ddl);
        }
        cluster.awaitConverged(20_000);
    }

    @ParameterizedTest
    @EnumSource(value = TestCluster.Db.class, names = {"SQLITE", "H2"})
    void concurrentTransfersFromThreeNodesKeepTheTotalAndLeaveNoTraceWhenRejected(TestCluster.Db db) throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.startAll();
        int accounts = 10;
        createTable("CREATE TABLE bank (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
        try (Connection a = cluster.connect("A"); PreparedStatement ps = a.prepareStatement("INSERT INTO bank (id, balance) VALUES (?, 100)")) {
            a.setAutoCommit(false);
            for (int i = 0; i < accounts; i++) {
                ps.setInt(1, i);
                ps.executeUpdate();
            }
            a.commit();
        }
        cluster.awaitConverged(20_000);
        long entriesBefore = cluster.ledger("A").size();
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        long until = System.currentTimeMillis() + 4_000;
        List<String> workers = new ArrayList<>();
        for (String id : cluster.ids) {
            workers.add(id);
            workers.add(id); // two clients per node
        }
        TestCluster.concurrently(workers, id -> {
            try (Connection c = cluster.connect(id)) {
                c.setAutoCommit(false);
                while (System.currentTimeMillis() < until) {
                    int from = ThreadLocalRandom.current().nextInt(accounts);
                    int to = (from + 1 + ThreadLocalRandom.current().nextInt(accounts - 1)) % accounts;
                    int amount = 1 + ThreadLocalRandom.current().nextInt(10);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE bank SET balance = balance - " + amount + " WHERE id = " + from);
                        s.executeUpdate("UPDATE bank SET balance = balance + " + amount + " WHERE id = " + to);
                        c.commit();
                        committed.incrementAndGet();
                    } catch (SQLException e) {
                        c.rollback();
                        if (!"40001".equals(e.getSQLState())) {
                            throw e;
                        }
                        rejected.incrementAndGet();
                    }
                }
            }
        });
        assertTrue(committed.get() > 10, "some transfers committed: " + committed);
        cluster.awaitConverged(30_000);
        for (String id : cluster.ids) {
            assertEquals(List.of(String.valueOf(accounts * 100)), cluster.rows(id, "SELECT SUM(balance) FROM bank"), "total on " + id);
            assertEquals(cluster.ledger("A"), cluster.ledger(id), "ledger of " + id);
            assertEquals(cluster.rows("A", "SELECT id, balance FROM bank ORDER BY id"), cluster.rows(id, "SELECT id, balance FROM bank ORDER BY id"));
        }
        assertEquals(entriesBefore + committed.get(), cluster.ledger("A").size(),
                "one entry per committed transfer, none for the " + rejected + " rejected ones");
    }

    @ParameterizedTest
    @EnumSource(value = TestCluster.Db.class, names = {"SQLITE", "H2"})
    void randomAndTimeAreRecordedOnceAndAppliedIdenticallyEverywhere(TestCluster.Db db) throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.startAll();
        createTable("CREATE TABLE sample (id INTEGER PRIMARY KEY, r BIGINT, t VARCHAR(40))");
        String random = db == TestCluster.Db.SQLITE ? "RANDOM()" : "CAST(RAND() * 1000000000 AS BIGINT)";
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            for (int i = 0; i < 5; i++) {
                s.executeUpdate("INSERT INTO sample (id, r, t) VALUES (" + i + ", " + random + ", CAST(CURRENT_TIMESTAMP AS VARCHAR(40)))");
            }
            s.executeUpdate("UPDATE sample SET r = " + random + " WHERE id < 3");
        }
        cluster.awaitConverged(20_000);
        List<String> onA = cluster.rows("A", "SELECT id, r, t FROM sample ORDER BY id");
        assertEquals(5, onA.size());
        assertNotEquals(onA.get(0).split("\\|")[1], onA.get(1).split("\\|")[1], "random values differ between rows");
        for (String id : cluster.ids) {
            assertEquals(onA, cluster.rows(id, "SELECT id, r, t FROM sample ORDER BY id"), "rows of " + id);
        }
    }

    /**
     * Generated keys: each node's rehearsal draws its key from its own database, so two nodes can draw the same
     * one; the write-set ordered second is then rejected (40001) and its retry draws a fresh key.
     */
    @ParameterizedTest
    @EnumSource(value = TestCluster.Db.class, names = {"SQLITE", "H2"})
    void concurrentGeneratedKeysNeverCollideSilently(TestCluster.Db db) throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.startAll();
        createTable(db == TestCluster.Db.SQLITE ? "CREATE TABLE note (id INTEGER PRIMARY KEY AUTOINCREMENT, body VARCHAR(40))"
                : "CREATE TABLE note (id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body VARCHAR(40))");
        Set<Long> keys = java.util.Collections.synchronizedSet(new HashSet<>());
        AtomicInteger retries = new AtomicInteger();
        int perNode = 15;
        TestCluster.concurrently(cluster.ids, id -> {
            try (Connection c = cluster.connect(id);
                 PreparedStatement ps = c.prepareStatement("INSERT INTO note (body) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < perNode; i++) {
                    for (int attempt = 0; ; attempt++) {
                        ps.setString(1, id + i);
                        try {
                            ps.executeUpdate();
                            try (ResultSet rs = ps.getGeneratedKeys()) {
                                rs.next();
                                assertTrue(keys.add(rs.getLong(1)), "key handed out twice: " + rs.getLong(1));
                            }
                            break;
                        } catch (SQLException e) {
                            if (!"40001".equals(e.getSQLState()) || attempt > 200) {
                                throw e;
                            }
                            retries.incrementAndGet();
                        }
                    }
                }
            }
        });
        cluster.awaitConverged(30_000);
        assertEquals(3 * perNode, keys.size());
        List<String> onA = cluster.rows("A", "SELECT id, body FROM note ORDER BY id");
        assertEquals(3 * perNode, onA.size());
        for (String id : cluster.ids) {
            assertEquals(onA, cluster.rows(id, "SELECT id, body FROM note ORDER BY id"), "rows of " + id);
        }
    }
}
