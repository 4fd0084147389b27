package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.driver.replay.Replayer;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Foreign keys with referential actions (ON DELETE CASCADE / SET NULL, ON UPDATE SET NULL): writes to their parents
 * run through the ledger exactly as raw, the rows the actions change are recorded in the same entry, and the
 * ledger verifies clean and replays, with the foreign keys enforced, to the same tables.
 */
class ReferentialActionsSuiteTest {

    static final List<String> TABLES = List.of("region", "shop", "orders", "line", "review", "audit", "tag");

    static final String[] DDL = {
            "CREATE TABLE region (id INT PRIMARY KEY, name VARCHAR(20))",
            "CREATE TABLE shop (id INT PRIMARY KEY, region_id INT, name VARCHAR(20), "
                    + "FOREIGN KEY (region_id) REFERENCES region (id) ON DELETE CASCADE ON UPDATE SET NULL)",
            "CREATE TABLE orders (id INT PRIMARY KEY, shop_id INT, note VARCHAR(20), "
                    + "FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE)",
            "CREATE TABLE line (order_id INT NOT NULL, n INT NOT NULL, qty INT, PRIMARY KEY (order_id, n), "
                    + "FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE)",
            "CREATE TABLE review (id INT PRIMARY KEY, shop_id INT, stars INT, "
                    + "FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE SET NULL)",
            "CREATE TABLE audit (order_id INT, note VARCHAR(20), FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE)",
            "CREATE TABLE tag (id INT PRIMARY KEY, line_order INT, line_n INT, "
                    + "FOREIGN KEY (line_order, line_n) REFERENCES line (order_id, n) ON DELETE SET NULL)",
            "CREATE TABLE category (id INT PRIMARY KEY)",
            "CREATE TABLE product (id INT PRIMARY KEY, category_id INT, "
                    + "FOREIGN KEY (category_id) REFERENCES category (id) ON UPDATE CASCADE)"};

    private static void fill(Connection c, Backend backend) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
            s.executeUpdate("INSERT INTO region (id, name) VALUES (1, 'north'), (2, 'south')");
            s.executeUpdate("INSERT INTO shop (id, region_id, name) VALUES (10, 1, 'a'), (11, 1, 'b'), (20, 2, 'c')");
            s.executeUpdate("INSERT INTO orders (id, shop_id, note) VALUES (100, 10, 'x'), (101, 10, 'y'), (110, 11, 'z'), (200, 20, 'w')");
            s.executeUpdate("INSERT INTO line (order_id, n, qty) VALUES (100, 1, 5), (100, 2, 6), (101, 1, 7), (110, 1, 8), (200, 1, 9)");
            s.executeUpdate("INSERT INTO review (id, shop_id, stars) VALUES (1, 10, 5), (2, 11, 4), (3, 20, 3), (4, NULL, 2)");
            s.executeUpdate("INSERT INTO tag (id, line_order, line_n) VALUES (1, 100, 1), (2, 200, 1), (3, 101, 1)");
            s.executeUpdate("INSERT INTO category (id) VALUES (1), (2)");
            s.executeUpdate("INSERT INTO product (id, category_id) VALUES (1, 1)");
        }
        if (backend == Backend.MARIADB) {
            return; // MariaDB hides InnoDB's row id: the driver refuses INSERTs into a key-less table there
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit (order_id, note) VALUES (?, ?)")) {
            for (Object[] row : new Object[][] {{100, "a"}, {100, "a"}, {200, "b"}}) {
                ps.setInt(1, (Integer) row[0]);
                ps.setString(2, (String) row[1]);
                ps.executeUpdate();
            }
        }
    }

    /** The workload both databases run: writes that never fire, a four-level delete, a key update that sets NULL. */
    private static List<String> run(Connection c, Backend backend) throws SQLException {
        List<String> seen = new ArrayList<>();
        fill(c, backend);
        try (Statement s = c.createStatement()) {
            seen.add("rename " + s.executeUpdate("UPDATE region SET name = 'n' WHERE id = 1"));
            seen.add("same key " + s.executeUpdate("UPDATE region SET id = id, name = 'm' WHERE id = 1"));
            seen.add("shops " + s.executeUpdate("UPDATE shop SET name = 'q'"));
            seen.add("delete " + s.executeUpdate("DELETE FROM region WHERE id = 1"));
            seen.add("rekey " + s.executeUpdate("UPDATE region SET id = 3 WHERE id = 2"));
            seen.add("new category key " + s.executeUpdate("UPDATE category SET id = 8 WHERE id = 2"));
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ?")) { // sqlite-jdbc counts differently here
            ps.setInt(1, 200);
            seen.add("delete order " + ps.executeUpdate());
        }
        for (String t : TABLES) {
            CaptureSuiteTest.query(c, "SELECT * FROM " + t + " ORDER BY 1, 2", seen);
        }
        return seen;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cascadesAndSetNullThroughFourLevelsAreRecordedVerifiedAndReplayed(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(DDL);
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = run(l, backend);
                viaRaw = run(r, backend);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            // sqlite-jdbc's update count includes the rows the actions changed; the others count the statement's own
            assertThat(viaLedger).containsAll(backend == Backend.SQLITE ? List.of("delete 16", "rekey 2") : List.of("delete 1", "rekey 1"));
            assertThat(f.verify()).isEmpty();
            assertReplaysWithForeignKeysEnforced(f);

            // the four-level delete: children first (descendants before ancestors), the region last
            LedgerEntry delete = f.entries().stream().filter(e -> e.changes().stream().anyMatch(ch -> ch instanceof RowChange rc
                    && rc.op() == Operation.DELETE && rc.table().equalsIgnoreCase("region"))).findFirst().orElseThrow();
            List<String> shape = new ArrayList<>();
            for (var ch : delete.changes()) {
                RowChange rc = (RowChange) ch;
                shape.add(rc.op() + " " + rc.table().toLowerCase(Locale.ROOT));
            }
            int audit = backend == Backend.MARIADB ? 0 : 2;
            assertThat(shape).hasSize(2 + 3 + 4 + audit + 2 + 2 + 1);
            assertThat(shape.get(shape.size() - 1)).isEqualTo("DELETE region");
            assertThat(shape.stream().filter(x -> x.equals("UPDATE tag"))).hasSize(2);
            assertThat(shape.stream().filter(x -> x.equals("UPDATE review"))).hasSize(2);
            assertThat(shape.stream().filter(x -> x.equals("DELETE audit"))).hasSize(audit);
            assertThat(shape.indexOf("UPDATE tag")).isLessThan(shape.indexOf("DELETE line"));
            assertThat(shape.lastIndexOf("DELETE line")).isLessThan(shape.indexOf("DELETE orders"));
            assertThat(shape.lastIndexOf("DELETE orders")).isLessThan(shape.indexOf("DELETE shop"));
            assertThat(shape.lastIndexOf("UPDATE review")).isLessThan(shape.indexOf("DELETE shop"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOnUpdateCascadeThatWouldChangeRowsIsRefusedBeforeItRuns(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(DDL);
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                fill(l, backend);
                assertThatThrownBy(() -> s.executeUpdate("UPDATE category SET id = 9 WHERE id = 1"))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                        .hasMessageContaining("ON UPDATE CASCADE").satisfies(e -> assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains("product"));
                assertThat(s.executeUpdate("UPDATE category SET id = 9 WHERE id = 2")).isEqualTo(1); // no children: fires nothing
                assertThat(s.executeUpdate("INSERT INTO category (id) VALUES (3)")).isEqualTo(1);
            }
            try (Connection c = f.behind()) {
                List<String> rows = new ArrayList<>();
                CaptureSuiteTest.query(c, "SELECT id, category_id FROM product", rows);
                CaptureSuiteTest.query(c, "SELECT id FROM category ORDER BY id", rows);
                assertThat(rows).containsExactly("1|1", "1", "3", "9"); // the refused update left its rows as they were
            }
            assertThat(f.verify()).isEmpty();
            assertReplaysWithForeignKeysEnforced(f);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "MARIADB", mode = EnumSource.Mode.EXCLUDE) // InnoDB has no SET DEFAULT
    void setDefaultIsRecordedAsTheDatabaseStoredIt(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE team (id INT PRIMARY KEY)",
                    "CREATE TABLE player (id INT PRIMARY KEY, team_id INT DEFAULT 0, "
                            + "FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE SET DEFAULT)");
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
                s.executeUpdate("INSERT INTO team (id) VALUES (0), (1), (2)");
                s.executeUpdate("INSERT INTO player (id, team_id) VALUES (1, 1), (2, 1), (3, 2)");
                s.executeUpdate("DELETE FROM team WHERE id = 1");
                List<String> rows = new ArrayList<>();
                CaptureSuiteTest.query(l, "SELECT id, team_id FROM player ORDER BY id", rows);
                assertThat(rows).containsExactly("1|0", "2|0", "3|2");
            }
            assertThat(f.verify()).isEmpty();
            RowChange first = (RowChange) f.entries().get(f.entries().size() - 1).changes().get(0);
            assertThat(first.op()).isEqualTo(Operation.UPDATE);
            assertThat(first.table()).isEqualToIgnoringCase("player");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTreeIsDeletedSubtreeBySubtreeAndAStatementDeletingARowWithItsDescendantIsRefused(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE node (id INT PRIMARY KEY, parent_id INT, "
                    + "FOREIGN KEY (parent_id) REFERENCES node (id) ON DELETE CASCADE)");
            List<List<String>> seen = new ArrayList<>();
            for (boolean ledger : new boolean[] {true, false}) {
                List<String> rows = new ArrayList<>();
                try (Connection c = ledger ? f.ledger() : f.raw(); Statement s = c.createStatement()) {
                    if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
                    s.executeUpdate("INSERT INTO node (id, parent_id) VALUES (1, NULL), (5, NULL), (7, NULL)");
                    s.executeUpdate("INSERT INTO node (id, parent_id) VALUES (2, 1), (4, 1), (6, 5), (8, 7)");
                    s.executeUpdate("INSERT INTO node (id, parent_id) VALUES (3, 2), (9, 8)");
                    rows.add("leaf " + s.executeUpdate("DELETE FROM node WHERE id = 4"));
                    rows.add("subtree " + s.executeUpdate("DELETE FROM node WHERE id = 1")); // and 2, 3
                    if (ledger) {
                        assertThatThrownBy(() -> s.executeUpdate("DELETE FROM node WHERE id IN (5, 6)"))
                                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                                .hasMessageContaining("descendants first");
                    }
                    rows.add("two trees " + s.executeUpdate("DELETE FROM node WHERE id IN (7, 5)"));
                    CaptureSuiteTest.query(c, "SELECT id, parent_id FROM node ORDER BY id", rows);
                }
                seen.add(rows);
            }
            assertThat(seen.get(0)).isEqualTo(seen.get(1));
            assertThat(seen.get(0)).endsWith("two trees " + (backend == Backend.SQLITE ? 5 : 2));
            assertThat(f.verify()).isEmpty();
            try (Backend.Db empty = f.backend.open(); Connection target = empty.connect(); Connection source = f.behind()) {
                if (f.backend == Backend.SQLITE) {
                    try (Statement s = target.createStatement()) {
                        s.execute("PRAGMA foreign_keys = ON");
                    }
                }
                target.setAutoCommit(false);
                Replayer replayer = new Replayer(f.dialect());
                for (LedgerEntry e : f.entries()) replayer.apply(target, e);
                target.commit();
                assertThat(TableSnapshot.of(target, f.dialect(), "node")).isEqualTo(TableSnapshot.of(source, f.dialect(), "node"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL", "MARIADB"}) // H2's triggers are Java classes
    void aCascadeIntoATableWithATriggerIsRefusedAndWithoutForeignKeysNothingFires(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE parent (id INT PRIMARY KEY)",
                    "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
                    "CREATE TABLE watched (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL)");
            try (Connection c = f.behind(); Statement s = c.createStatement()) { // triggers are created outside the driver
                switch (backend) {
                    case SQLITE -> s.execute("CREATE TRIGGER watched_del AFTER UPDATE ON watched BEGIN SELECT 1; END");
                    case MARIADB -> s.execute("CREATE TRIGGER watched_upd AFTER UPDATE ON watched FOR EACH ROW SET @seen = 1");
                    default -> {
                        s.execute("CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$");
                        s.execute("CREATE TRIGGER watched_upd AFTER UPDATE ON watched FOR EACH ROW EXECUTE FUNCTION noop()");
                    }
                }
            }
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
                s.executeUpdate("INSERT INTO parent (id) VALUES (1), (2), (3)");
                s.executeUpdate("INSERT INTO child (id, parent_id) VALUES (10, 1), (30, 3)");
                assertThat(s.executeUpdate("DELETE FROM parent WHERE id = 1")).isEqualTo(backend == Backend.SQLITE ? 2 : 1);
                // watched has no rows of parent 2 yet: nothing fires into it
                assertThat(s.executeUpdate("DELETE FROM parent WHERE id = 2")).isEqualTo(1);
                s.executeUpdate("INSERT INTO parent (id) VALUES (2)");
                // can only be inserted through the raw connection: the trigger makes writes to watched refused
                try (Connection c = f.behind(); Statement raw = c.createStatement()) {
                    raw.executeUpdate("INSERT INTO watched (id, parent_id) VALUES (20, 2)");
                }
                assertThatThrownBy(() -> s.executeUpdate("DELETE FROM parent WHERE id = 2"))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                        .hasMessageContaining("trigger");
            }
            if (backend == Backend.SQLITE) {
                try (Connection l = f.ledger(); Statement s = l.createStatement()) { // foreign_keys off: nothing cascades
                    assertThat(s.executeUpdate("DELETE FROM parent WHERE id = 3")).isEqualTo(1);
                    List<String> rows = new ArrayList<>();
                    CaptureSuiteTest.query(l, "SELECT id, parent_id FROM child", rows);
                    assertThat(rows).containsExactly("30|3");
                }
            }
            List<String> rows = new ArrayList<>();
            try (Connection c = f.behind()) {
                CaptureSuiteTest.query(c, "SELECT id FROM parent ORDER BY id", rows);
            }
            assertThat(rows).isEqualTo(backend == Backend.SQLITE ? List.of("2") : List.of("2", "3"));
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "MARIADB"})
    void anUpsertIntoAParentWithReferentialActionsIsRefusedBeforeItRuns(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(DDL);
            String upsert = switch (backend) {
                case H2_FILE -> "MERGE INTO region (id, name) KEY (id) VALUES (1, 'upserted')";
                case POSTGRESQL -> "INSERT INTO region (id, name) VALUES (1, 'upserted') ON CONFLICT (id) DO UPDATE SET name = excluded.name";
                default -> "INSERT INTO region (id, name) VALUES (1, 'upserted') ON DUPLICATE KEY UPDATE name = VALUES(name)";
            };
            try (Connection l = f.ledger(); Statement s = l.createStatement()) {
                fill(l, backend);
                assertThatThrownBy(() -> s.executeUpdate(upsert))
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"))
                        .hasMessageContaining("referential action");
                List<String> rows = new ArrayList<>();
                CaptureSuiteTest.query(l, "SELECT id, name FROM region ORDER BY id", rows);
                assertThat(rows).containsExactly("1|north", "2|south");
            }
            assertThat(f.verify()).isEmpty();
        }
    }

    /** TPC-C's nine tables with its ten foreign keys, all ON DELETE CASCADE as BenchBase declares them. */
    static final String[] TPCC = {
            "CREATE TABLE warehouse (w_id INT NOT NULL, w_name VARCHAR(10), PRIMARY KEY (w_id))",
            "CREATE TABLE item (i_id INT NOT NULL, i_name VARCHAR(24), PRIMARY KEY (i_id))",
            "CREATE TABLE stock (s_w_id INT NOT NULL, s_i_id INT NOT NULL, s_quantity INT, PRIMARY KEY (s_w_id, s_i_id), "
                    + "FOREIGN KEY (s_w_id) REFERENCES warehouse (w_id) ON DELETE CASCADE, "
                    + "FOREIGN KEY (s_i_id) REFERENCES item (i_id) ON DELETE CASCADE)",
            "CREATE TABLE district (d_w_id INT NOT NULL, d_id INT NOT NULL, d_next_o_id INT, PRIMARY KEY (d_w_id, d_id), "
                    + "FOREIGN KEY (d_w_id) REFERENCES warehouse (w_id) ON DELETE CASCADE)",
            "CREATE TABLE customer (c_w_id INT NOT NULL, c_d_id INT NOT NULL, c_id INT NOT NULL, c_balance DECIMAL(12,2), "
                    + "PRIMARY KEY (c_w_id, c_d_id, c_id), FOREIGN KEY (c_w_id, c_d_id) REFERENCES district (d_w_id, d_id) ON DELETE CASCADE)",
            "CREATE TABLE history (h_c_id INT, h_c_d_id INT, h_c_w_id INT, h_d_id INT, h_w_id INT, h_amount DECIMAL(6,2), "
                    + "FOREIGN KEY (h_c_w_id, h_c_d_id, h_c_id) REFERENCES customer (c_w_id, c_d_id, c_id) ON DELETE CASCADE, "
                    + "FOREIGN KEY (h_w_id, h_d_id) REFERENCES district (d_w_id, d_id) ON DELETE CASCADE)",
            "CREATE TABLE orders (o_w_id INT NOT NULL, o_d_id INT NOT NULL, o_id INT NOT NULL, o_c_id INT, "
                    + "PRIMARY KEY (o_w_id, o_d_id, o_id), FOREIGN KEY (o_w_id, o_d_id, o_c_id) REFERENCES customer (c_w_id, c_d_id, c_id) ON DELETE CASCADE)",
            "CREATE TABLE new_order (no_w_id INT NOT NULL, no_d_id INT NOT NULL, no_o_id INT NOT NULL, PRIMARY KEY (no_w_id, no_d_id, no_o_id), "
                    + "FOREIGN KEY (no_w_id, no_d_id, no_o_id) REFERENCES orders (o_w_id, o_d_id, o_id) ON DELETE CASCADE)",
            "CREATE TABLE order_line (ol_w_id INT NOT NULL, ol_d_id INT NOT NULL, ol_o_id INT NOT NULL, ol_number INT NOT NULL, "
                    + "ol_i_id INT, ol_supply_w_id INT, ol_quantity INT, PRIMARY KEY (ol_w_id, ol_d_id, ol_o_id, ol_number), "
                    + "FOREIGN KEY (ol_w_id, ol_d_id, ol_o_id) REFERENCES orders (o_w_id, o_d_id, o_id) ON DELETE CASCADE, "
                    + "FOREIGN KEY (ol_supply_w_id, ol_i_id) REFERENCES stock (s_w_id, s_i_id) ON DELETE CASCADE)"};

    static final List<String> TPCC_TABLES = List.of("warehouse", "item", "stock", "district", "customer", "history", "orders",
            "new_order", "order_line");

    private static List<String> tpcc(Connection c, Backend backend) throws SQLException {
        List<String> seen = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            if (backend == Backend.SQLITE) s.execute("PRAGMA foreign_keys = ON");
        }
        try (PreparedStatement w = c.prepareStatement("INSERT INTO warehouse (w_id, w_name) VALUES (?, ?)");
             PreparedStatement i = c.prepareStatement("INSERT INTO item (i_id, i_name) VALUES (?, ?)");
             PreparedStatement st = c.prepareStatement("INSERT INTO stock (s_w_id, s_i_id, s_quantity) VALUES (?, ?, 50)");
             PreparedStatement d = c.prepareStatement("INSERT INTO district (d_w_id, d_id, d_next_o_id) VALUES (?, ?, 2)");
             PreparedStatement cu = c.prepareStatement("INSERT INTO customer (c_w_id, c_d_id, c_id, c_balance) VALUES (?, ?, ?, 10.50)");
             PreparedStatement h = c.prepareStatement("INSERT INTO history (h_c_id, h_c_d_id, h_c_w_id, h_d_id, h_w_id, h_amount) VALUES (?, ?, ?, ?, ?, 10.00)");
             PreparedStatement o = c.prepareStatement("INSERT INTO orders (o_w_id, o_d_id, o_id, o_c_id) VALUES (?, ?, 1, ?)");
             PreparedStatement no = c.prepareStatement("INSERT INTO new_order (no_w_id, no_d_id, no_o_id) VALUES (?, ?, 1)");
             PreparedStatement ol = c.prepareStatement("INSERT INTO order_line (ol_w_id, ol_d_id, ol_o_id, ol_number, ol_i_id, ol_supply_w_id, ol_quantity) VALUES (?, ?, 1, ?, ?, ?, 5)")) {
            for (int item = 1; item <= 3; item++) {
                i.setInt(1, item);
                i.setString(2, "item " + item);
                i.executeUpdate();
            }
            for (int wh = 1; wh <= 2; wh++) {
                w.setInt(1, wh);
                w.setString(2, "w" + wh);
                w.executeUpdate();
                for (int item = 1; item <= 3; item++) {
                    st.setInt(1, wh);
                    st.setInt(2, item);
                    st.addBatch();
                }
                st.executeBatch();
                for (int dist = 1; dist <= 2; dist++) {
                    d.setInt(1, wh);
                    d.setInt(2, dist);
                    d.executeUpdate();
                    for (int cust = 1; cust <= 2; cust++) {
                        cu.setInt(1, wh);
                        cu.setInt(2, dist);
                        cu.setInt(3, cust);
                        cu.executeUpdate();
                        if (backend != Backend.MARIADB) { // MariaDB: the driver refuses INSERTs into a key-less table
                            h.setInt(1, cust);
                            h.setInt(2, dist);
                            h.setInt(3, wh);
                            h.setInt(4, dist);
                            h.setInt(5, wh);
                            h.executeUpdate();
                        }
                    }
                    o.setInt(1, wh);
                    o.setInt(2, dist);
                    o.setInt(3, 1);
                    o.executeUpdate();
                    no.setInt(1, wh);
                    no.setInt(2, dist);
                    no.executeUpdate();
                    for (int n = 1; n <= 2; n++) {
                        ol.setInt(1, wh);
                        ol.setInt(2, dist);
                        ol.setInt(3, n);
                        ol.setInt(4, n);
                        ol.setInt(5, n == 2 ? 1 : wh); // line 2 of every order is supplied by warehouse 1
                        ol.executeUpdate();
                    }
                }
            }
        }
        try (Statement s = c.createStatement()) {
            seen.add("payment " + s.executeUpdate("UPDATE customer SET c_balance = c_balance - 1 WHERE c_w_id = 2 AND c_d_id = 1 AND c_id = 1"));
            seen.add("delivery " + s.executeUpdate("DELETE FROM new_order WHERE no_w_id = 2 AND no_d_id = 2"));
            seen.add("stock " + s.executeUpdate("UPDATE stock SET s_quantity = s_quantity - 5 WHERE s_w_id = 2"));
            // warehouse 1 and everything under it, and (through its stock) line 2 of warehouse 2's orders
            seen.add("close warehouse " + s.executeUpdate("DELETE FROM warehouse WHERE w_id = 1"));
            seen.add("drop item " + s.executeUpdate("DELETE FROM item WHERE i_id = 3"));
        }
        for (String t : TPCC_TABLES) {
            List<String> rows = new ArrayList<>();
            CaptureSuiteTest.query(c, "SELECT * FROM " + t, rows);
            rows.sort(null);
            seen.add(t + " " + rows);
        }
        return seen;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aTpccSchemaWithCascadesLoadsAndAClosedWarehouseCascadesThroughEveryLevel(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema(TPCC);
            List<String> viaLedger;
            List<String> viaRaw;
            try (Connection l = f.ledger(); Connection r = f.raw()) {
                viaLedger = tpcc(l, backend);
                viaRaw = tpcc(r, backend);
            }
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger).contains("warehouse [2|w2]", "item [1|item 1, 2|item 2]");
            assertThat(f.verify()).isEmpty();
            try (Backend.Db empty = f.backend.open(); Connection target = empty.connect(); Connection source = f.behind()) {
                if (f.backend == Backend.SQLITE) {
                    try (Statement s = target.createStatement()) {
                        s.execute("PRAGMA foreign_keys = ON");
                    }
                }
                target.setAutoCommit(false);
                Replayer replayer = new Replayer(f.dialect());
                for (LedgerEntry e : f.entries()) replayer.apply(target, e);
                target.commit();
                for (String table : TPCC_TABLES) {
                    assertThat(TableSnapshot.of(target, f.dialect(), table)).as("replayed %s", table)
                            .isEqualTo(TableSnapshot.of(source, f.dialect(), table));
                }
            }
        }
    }

    /** Replays every entry into an empty database whose foreign keys are enforced, then compares every table. */
    static void assertReplaysWithForeignKeysEnforced(Fixture f) throws Exception {
        try (Backend.Db empty = f.backend.open(); Connection target = empty.connect(); Connection source = f.behind()) {
            if (f.backend == Backend.SQLITE) {
                try (Statement s = target.createStatement()) {
                    s.execute("PRAGMA foreign_keys = ON");
                }
            }
            target.setAutoCommit(false);
            Replayer replayer = new Replayer(f.dialect());
            for (LedgerEntry e : f.entries()) {
                replayer.apply(target, e);
            }
            target.commit();
            for (String table : TABLES) {
                assertThat(TableSnapshot.of(target, f.dialect(), table)).as("replayed %s", table)
                        .isEqualTo(TableSnapshot.of(source, f.dialect(), table));
            }
        }
    }
}
