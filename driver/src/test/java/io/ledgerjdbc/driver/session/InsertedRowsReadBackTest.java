package io.ledgerjdbc.driver.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.driver.database.Sealer;
import io.ledgerjdbc.driver.replay.Replayer;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rows a transaction's INSERTs made are read back once, at commit, unless a later write may change them or
 * depend on them: then they are read before it, and precede its changes in the entry. A write to an unrelated table
 * is recorded ahead of them. Either way the entry replays to the same tables.
 */
class InsertedRowsReadBackTest {

    private static final String[] SCHEMA = {
            "CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(10))",
            "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent (id), n INT)",
            "CREATE TABLE other (id INT PRIMARY KEY, n INT)"};

    private static Connection ledger(Backend.Db db) throws SQLException {
        Properties p = new Properties();
        String user = switch (db.backend) {
            case POSTGRESQL -> Backend.PG_USER;
            case MARIADB -> Backend.MARIADB_USER;
            case H2_FILE, H2_MEM -> "sa";
            case SQLITE -> null;
        };
        if (user != null) {
            p.setProperty("user", user);
            p.setProperty("password", "");
        }
        p.setProperty("ledger.seal", "wait");
        return DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:"), p);
    }

    private static void run(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "H2_MEM", "POSTGRESQL", "MARIADB"})
    void writesToUnrelatedTablesGoAheadOfTheInsertedRowsAndTheEntryReplays(Backend backend) throws Exception {
        try (Backend.Db db = backend.open(); Backend.Db copy = backend.open(); Connection c = ledger(db)) {
            try (Statement s = c.createStatement()) {
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO parent VALUES (1, 'a')");
                s.execute("INSERT INTO child VALUES (1, 1, 0)");
                s.execute("INSERT INTO other VALUES (1, 0)");
            }
            c.setAutoCommit(false);
            run(c, "INSERT INTO parent (id, name) VALUES (?, ?)", 10, "p");
            run(c, "UPDATE other SET n = n + 1 WHERE id = ?", 1); // unrelated: ahead of the parent's row
            run(c, "UPDATE child SET parent_id = ? WHERE id = ?", 10, 1); // references parent: the parent's row first
            run(c, "INSERT INTO child (id, parent_id, n) VALUES (?, ?, ?)", 2, 10, 5);
            run(c, "UPDATE parent SET name = ? WHERE id = ?", "q", 10); // the child's row does not depend on this
            run(c, "INSERT INTO other (id, n) VALUES (?, ?)", 2, 7);
            run(c, "UPDATE other SET n = n + 1 WHERE id = ?", 2); // its own table's inserted row: read first
            c.commit();

            List<LedgerEntry> entries = new ArrayList<>();
            try (Connection raw = db.connect()) {
                if (backend == Backend.POSTGRESQL || backend == Backend.MARIADB) {
                    Sealer.sealAll(raw);
                }
                LedgerStore.of(raw).scan(raw, 1, e -> entries.add(EntryCodec.decode(e.entry())));
            }
            List<String> order = new ArrayList<>();
            for (Change change : entries.get(entries.size() - 1).changes()) {
                RowChange rc = (RowChange) change;
                order.add(rc.op() + " " + rc.table().toLowerCase(java.util.Locale.ROOT) + " " + rc.key().value(0));
            }
            assertThat(order).containsExactly("UPDATE other 1", "INSERT parent 10", "UPDATE child 1", "UPDATE parent 10",
                    "INSERT child 2", "INSERT other 2", "UPDATE other 2");

            try (Connection target = copy.connect()) {
                Replayer replayer = new Replayer(io.ledgerjdbc.ledger.store.SqlDialect.of(target));
                target.setAutoCommit(false);
                for (LedgerEntry e : entries) {
                    if (e.changes().stream().allMatch(ch -> ch instanceof RowChange || ch instanceof DdlChange)) {
                        replayer.apply(target, e);
                        target.commit();
                    }
                }
                try (Connection source = db.connect()) {
                    for (String table : List.of("parent", "child", "other")) {
                        assertThat(rows(target, table)).as(table).isEqualTo(rows(source, table));
                    }
                }
            }
        }
    }

    /**
     * PostgreSQL: a row inserted through a partitioned table and then updated through its partition (one row, two
     * table names): the INSERT's image is read before the UPDATE, so it is the row as inserted.
     */
    @org.junit.jupiter.api.Test
    void aRowInsertedThroughItsParentIsReadBackBeforeItsPartitionIsWritten() throws Exception {
        try (Backend.Db db = Backend.POSTGRESQL.open(); Connection c = ledger(db)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE acct (id INT PRIMARY KEY, n INT) PARTITION BY RANGE (id)");
                s.execute("CREATE TABLE acct_low PARTITION OF acct FOR VALUES FROM (0) TO (1000)");
            }
            c.setAutoCommit(false);
            run(c, "INSERT INTO acct (id, n) VALUES (?, ?)", 5, 1);
            run(c, "UPDATE acct_low SET n = n + 1 WHERE id = ?", 5);
            c.commit();
            List<LedgerEntry> entries = new ArrayList<>();
            try (Connection raw = db.connect()) {
                Sealer.sealAll(raw);
                LedgerStore.of(raw).scan(raw, 1, e -> entries.add(EntryCodec.decode(e.entry())));
            }
            List<Change> changes = entries.get(entries.size() - 1).changes();
            RowChange inserted = (RowChange) changes.get(0);
            assertThat(inserted.op()).isEqualTo(io.ledgerjdbc.ledger.entry.Operation.INSERT);
            assertThat(inserted.after().get("n")).as("the row as inserted").isEqualTo(io.ledgerjdbc.ledger.entry.Value.of(1L));
            assertThat(((RowChange) changes.get(1)).after().get("n")).isEqualTo(io.ledgerjdbc.ledger.entry.Value.of(2L));
        }
    }

    private static List<String> rows(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(rs.getString(i)).append('|');
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
