package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A delete through three levels of ON DELETE CASCADE plus ON DELETE SET NULL, written on one node of a 3-node
 * cluster: every node applies the recorded child changes before the parent's (so its own foreign-key actions have
 * nothing left to do, and each change certifies), and ends with the same rows and the same ledger.
 */
class ClusterReferentialActionsTest extends InProcessClusterTest {

    private static final String[] DDL = {
            "CREATE TABLE region (id INT PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE shop (id INT PRIMARY KEY, region_id INT, FOREIGN KEY (region_id) REFERENCES region (id) ON DELETE CASCADE)",
            "CREATE TABLE orders (id INT PRIMARY KEY, shop_id INT, FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE)",
            "CREATE TABLE line (order_id INT NOT NULL, n INT NOT NULL, qty INT, PRIMARY KEY (order_id, n), "
                    + "FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE)",
            "CREATE TABLE review (id INT PRIMARY KEY, shop_id INT, FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE SET NULL)"};

    private static final List<String> QUERIES = List.of("SELECT id, name FROM region ORDER BY id",
            "SELECT id, region_id FROM shop ORDER BY id", "SELECT id, shop_id FROM orders ORDER BY id",
            "SELECT order_id, n, qty FROM line ORDER BY order_id, n", "SELECT id, shop_id FROM review ORDER BY id");

    private static io.ledgerjdbc.ledger.store.SqlDialect dialect(TestCluster.Db db) {
        return switch (db) {
            case SQLITE -> io.ledgerjdbc.ledger.store.SqlDialect.SQLITE;
            case H2 -> io.ledgerjdbc.ledger.store.SqlDialect.H2;
            case POSTGRESQL -> io.ledgerjdbc.ledger.store.SqlDialect.POSTGRESQL;
            case MARIADB -> io.ledgerjdbc.ledger.store.SqlDialect.MARIADB;
        };
    }

    @ParameterizedTest
    @EnumSource(TestCluster.Db.class)
    void aCascadingDeleteOnOneNodeIsAppliedIdenticallyOnEveryNode(TestCluster.Db db) throws Exception {
        cluster = new TestCluster(dir, db, 3);
        cluster.sqliteOptions = "?foreign_keys=true"; // every connection enforces them, the appliers' too
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            for (String ddl : DDL) s.executeUpdate(ddl);
            s.executeUpdate("INSERT INTO region (id, name) VALUES (1, 'north'), (2, 'south')");
            s.executeUpdate("INSERT INTO shop (id, region_id) VALUES (10, 1), (11, 1), (20, 2)");
            s.executeUpdate("INSERT INTO orders (id, shop_id) VALUES (100, 10), (101, 11), (200, 20)");
            s.executeUpdate("INSERT INTO line (order_id, n, qty) VALUES (100, 1, 1), (100, 2, 2), (101, 1, 3), (200, 1, 4)");
            s.executeUpdate("INSERT INTO review (id, shop_id) VALUES (1, 10), (2, 20)");
        }
        cluster.awaitConverged(20_000);
        try (Connection b = cluster.connect("B"); Statement s = b.createStatement()) {
            s.executeUpdate("DELETE FROM region WHERE id = 1");
        }
        cluster.awaitConverged(20_000);
        List<String> expected = List.of("2|south", "20|2", "200|20", "200|1|4", "1|null", "2|20");
        for (String id : cluster.ids) {
            List<String> rows = new java.util.ArrayList<>();
            for (String q : QUERIES) rows.addAll(cluster.rows(id, q));
            assertEquals(expected, rows, "rows of " + id);
            assertEquals(cluster.ledger("A"), cluster.ledger(id), "ledger of " + id);
        }
        // the entry names every row the actions changed, children first: 3 lines, 2 orders, 1 review, 2 shops, the region
        List<String> changes = new java.util.ArrayList<>();
        try (Connection c = cluster.raw("C")) {
            List<io.ledgerjdbc.ledger.entry.LedgerEntry> entries = new java.util.ArrayList<>();
            new io.ledgerjdbc.ledger.store.LedgerStore(dialect(db)).scan(c, 1,
                    e -> entries.add(io.ledgerjdbc.ledger.entry.EntryCodec.decode(e.entry())));
            for (var ch : entries.get(entries.size() - 1).changes()) {
                var rc = (io.ledgerjdbc.ledger.entry.RowChange) ch;
                changes.add(rc.op() + " " + rc.table().toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertEquals(9, changes.size(), changes.toString());
        assertEquals("DELETE region", changes.get(8));
        assertEquals(List.of("DELETE line", "DELETE line", "DELETE line"), changes.subList(0, 3), changes.toString());
    }
}
