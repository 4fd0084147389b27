package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplicationTest extends InProcessClusterTest {


    @ParameterizedTest
    @EnumSource(TestCluster.Db.class)
    void writesOnEveryNodeLeaveIdenticalLedgersAndTables(TestCluster.Db db) throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE account (id INTEGER PRIMARY KEY, owner VARCHAR(40), balance INTEGER)");
        }
        cluster.awaitConverged(20_000); // reads (and the metadata a write needs) are local: let the DDL arrive
        TestCluster.concurrently(cluster.ids, id -> {
            try (Connection c = cluster.connect(id);
                 PreparedStatement ps = c.prepareStatement("INSERT INTO account (id, owner, balance) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 20; i++) {
                    ps.setInt(1, (id.charAt(0) - 'A') * 1000 + i);
                    ps.setString(2, id);
                    ps.setInt(3, i);
                    assertEquals(1, ps.executeUpdate());
                }
            }
        });
        cluster.awaitConverged(30_000);
        List<String> ledgerA = cluster.ledger("A");
        assertEquals(61, ledgerA.size(), "one CREATE TABLE and 60 inserts");
        for (String id : cluster.ids) {
            assertEquals(ledgerA, cluster.ledger(id), "ledger of " + id);
            assertEquals(cluster.rows("A", "SELECT * FROM account ORDER BY id"), cluster.rows(id, "SELECT * FROM account ORDER BY id"));
        }
        assertEquals(60, cluster.rows("B", "SELECT * FROM account").size());
    }

    @ParameterizedTest
    @EnumSource(TestCluster.Db.class)
    void aStaleWriteSetIsRejectedEverywhereWith40001(TestCluster.Db db) throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE item (id INTEGER PRIMARY KEY, v INTEGER)");
            s.executeUpdate("INSERT INTO item (id, v) VALUES (1, 0)");
        }
        cluster.awaitConverged(20_000);
        // Two transactions on two nodes both read v = 0 and both commit: the one ordered second must fail.
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        java.util.concurrent.CyclicBarrier bothRead = new java.util.concurrent.CyclicBarrier(2);
        TestCluster.concurrently(List.of("B", "C"), id -> {
            try (Connection x = cluster.connect(id)) {
                x.setAutoCommit(false);
                try (Statement st = x.createStatement()) {
                    assertEquals(1, st.executeUpdate("UPDATE item SET v = v + " + (id.equals("B") ? 1 : 5) + " WHERE id = 1"));
                }
                bothRead.await();
                try {
                    x.commit();
                    committed.incrementAndGet();
                } catch (SQLException e) {
                    assertEquals("40001", e.getSQLState(), e.toString());
                    rejected.incrementAndGet();
                }
            }
        });
        assertEquals(1, committed.get());
        assertEquals(1, rejected.get());
        cluster.awaitConverged(20_000);
        List<String> v = cluster.rows("A", "SELECT v FROM item");
        assertTrue(v.equals(List.of("1")) || v.equals(List.of("5")), v.toString());
        for (String id : cluster.ids) {
            assertEquals(v, cluster.rows(id, "SELECT v FROM item"));
            assertEquals(cluster.ledger("A"), cluster.ledger(id));
        }
        assertFalse(cluster.ledger("A").isEmpty());
        assertThrows(SQLException.class, () -> {
            try (Connection x = cluster.connect("A"); Statement s = x.createStatement()) {
                s.executeUpdate("CREATE TABLE item (id INTEGER PRIMARY KEY)");
            }
        });
    }

    @org.junit.jupiter.api.Test
    void linearizableReadsOnAFollowerSeeEveryCommitMadeElsewhereBeforeThem() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE seen (id INTEGER PRIMARY KEY)");
        }
        cluster.awaitConverged(20_000); // H2 resolves the table when C prepares the query, before any read waits
        cluster.extra.setProperty("ledger.readConsistency", "linearizable");
        try (Connection a = cluster.connect("A"); Connection c = cluster.connect("C");
             PreparedStatement insert = a.prepareStatement("INSERT INTO seen (id) VALUES (?)");
             PreparedStatement read = c.prepareStatement("SELECT COUNT(*) FROM seen WHERE id = ?")) {
            for (int i = 0; i < 20; i++) {
                insert.setInt(1, i);
                insert.executeUpdate();
                read.setInt(1, i);
                try (java.sql.ResultSet rs = read.executeQuery()) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "row " + i + " visible on C right after A committed it");
                }
            }
        }
    }
}
