package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With the Raft log compacted after a few KiB, a new, empty member cannot catch up from the log: it must install a
 * snapshot (the ledger entries streamed from a peer) and then follow the log, while the others keep writing.
 */
class SnapshotCatchUpTest extends InProcessClusterTest {

    private static final String ROWS = "SELECT id, node, payload FROM item ORDER BY id";

    @ParameterizedTest
    @EnumSource(TestCluster.Db.class)
    void aNewMemberInstallsASnapshotWhileWritesContinueAndEveryMemberRestartsFromItsCompactedLog(TestCluster.Db db)
            throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.extra.setProperty("ledger.raftLogSize", "4KiB");
        List<String> majority = List.of("A", "B");
        TestCluster.concurrently(majority, id -> {
            try (Connection c = cluster.connect(id)) {
                c.isValid(1);
            }
        });
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE item (id INTEGER PRIMARY KEY, node VARCHAR(8), payload VARCHAR(200))");
        }
        awaitSameSize(majority);
        AtomicInteger written = new AtomicInteger();
        TestCluster.concurrently(majority, id -> insert(id, 0, 150, written));

        // C joins long after the log's start was compacted away, while A keeps writing.
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; writing.get() && i < 20_000; i++) {
                    insert("A", 100_000 + i, 1, written);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "writer-A");
        writer.start();
        try {
            try (Connection c = cluster.connect("C")) {
                c.isValid(1);
            }
            awaitTable("C");
            insert("C", 9000, 20, written); // C's own writes work once it holds the snapshot
        } finally {
            writing.set(false);
            writer.join();
        }
        awaitSameSize(cluster.ids);

        assertTrue(installedEntries("C") > 0, "C received ledger entries with a snapshot, not the whole log");
        assertIdentical(written.get());

        // Every member restarts from its own compacted log: commands already in its database are skipped.
        LedgerDatabase.leaveClusters();
        cluster.startAll();
        TestCluster.concurrently(cluster.ids, id -> insert(id, 20_000 + (id.charAt(0) - 'A') * 100, 10, written));
        awaitSameSize(cluster.ids);
        assertIdentical(written.get());
    }

    private void insert(String node, int firstId, int count, AtomicInteger written) throws Exception {
        try (Connection c = cluster.connect(node);
             PreparedStatement ps = c.prepareStatement("INSERT INTO item (id, node, payload) VALUES (?, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                int id = firstId + i + (node.equals("B") && firstId == 0 ? 1000 : 0);
                ps.setInt(1, id);
                ps.setString(2, node);
                ps.setString(3, "x".repeat(100) + id);
                assertEquals(1, ps.executeUpdate());
                written.incrementAndGet();
            }
        }
    }

    private void assertIdentical(int rows) throws Exception {
        List<String> ledgerA = cluster.ledger("A");
        assertEquals(rows + 1, ledgerA.size(), "one CREATE TABLE and one entry per committed insert");
        String rootA = root("A", ledgerA.size());
        for (String id : cluster.ids) {
            assertEquals(ledgerA, cluster.ledger(id), "ledger of " + id);
            assertEquals(rootA, root(id, ledgerA.size()), "Merkle root of " + id);
            assertEquals(cluster.rows("A", ROWS), cluster.rows(id, ROWS), "rows of " + id);
            assertNull(LedgerDatabase.clusterStatus(cluster.rawUrl(id)).orElseThrow().diverged(), id + " diverged");
        }
        assertEquals(rows, cluster.rows("A", ROWS).size());
        assertFalse(cluster.rows("C", ROWS).isEmpty());
    }

    private String root(String id, long size) throws Exception {
        try (Connection c = cluster.raw(id)) {
            return HexFormat.of().formatHex(LedgerStore.of(c).root(c, size));
        }
    }

    private long installedEntries(String id) throws Exception {
        ObjectName name = new ObjectName("io.ledgerjdbc:type=ClusterMember,cluster=" + ObjectName.quote(cluster.clusterName)
                + ",node=" + ObjectName.quote(id));
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "SnapshotEntriesInstalled");
    }

    /** Waits (bounded) until the table has reached {@code id} (its rehearsals need it locally). */
    private void awaitTable(String id) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                cluster.rows(id, "SELECT COUNT(*) FROM item");
                return;
            } catch (java.sql.SQLException e) {
                Thread.sleep(50);
            }
        }
    }

    /** Waits (bounded) until the given members' ledgers have the same size. */
    private void awaitSameSize(List<String> ids) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            long first = cluster.ledger(ids.get(0)).size();
            boolean same = true;
            for (String id : ids) same &= cluster.ledger(id).size() == first;
            if (same) {
                return;
            }
            Thread.sleep(50);
        }
    }
}
