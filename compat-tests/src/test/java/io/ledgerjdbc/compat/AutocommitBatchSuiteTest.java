package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An autocommit {@code executeBatch} whose third item fails behaves through the ledger exactly as through the raw
 * driver: the same items kept, the same exception type and SQLState, the same update counts (returned and in
 * {@code getUpdateCounts}), and one ledger entry per item that committed.
 */
class AutocommitBatchSuiteTest {

    /** What an application can observe of a failing autocommit batch. */
    static List<String> observe(Connection c, boolean prepared, Backend backend) throws SQLException {
        return observe(c, prepared, backend, true);
    }

    static List<String> observe(Connection c, boolean prepared, Backend backend, boolean autocommit) throws SQLException {
        List<String> seen = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM b");
            s.executeUpdate("INSERT INTO b (id, v) VALUES (3, 0)");
        }
        seen.add("autocommit " + c.getAutoCommit());
        if (prepared) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE b SET v = v + ? WHERE id = ?")) {
                for (int id = 2; id <= 4; id++) {
                    ps.setInt(1, 1);
                    ps.setInt(2, id);
                    ps.addBatch();
                }
                seen.add("succeeded " + Arrays.toString(ps.executeBatch()));
            }
        } else {
            try (Statement s = c.createStatement()) {
                s.addBatch("UPDATE b SET v = v + 1 WHERE id = 3");
                s.addBatch("UPDATE b SET v = v + 1 WHERE id = 4");
                seen.add("succeeded " + Arrays.toString(s.executeBatch()));
            }
        }
        c.setAutoCommit(autocommit);
        try {
            int[] counts;
            if (prepared) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO b (id, v) VALUES (?, ?)")) {
                    for (int id = 1; id <= 5; id++) {
                        ps.setInt(1, id);
                        ps.setInt(2, id * 10);
                        ps.addBatch();
                    }
                    counts = ps.executeBatch();
                }
            } else {
                try (Statement s = c.createStatement()) {
                    for (int id = 1; id <= 5; id++) s.addBatch("INSERT INTO b (id, v) VALUES (" + id + ", " + id * 10 + ")");
                    counts = s.executeBatch();
                }
            }
            seen.add("ok " + Arrays.toString(counts));
        } catch (SQLException e) {
            // H2 throws its own subclass of BatchUpdateException; what an application can catch is the JDBC type
            String type = e instanceof BatchUpdateException ? "BatchUpdateException" : e.getClass().getSimpleName();
            seen.add("error " + type + " " + e.getSQLState() + " " + e.getErrorCode());
            if (e instanceof BatchUpdateException b) {
                seen.add("counts " + Arrays.toString(b.getUpdateCounts()));
            }
        }
        if (!autocommit) {
            try {
                c.commit();
                seen.add("committed");
            } catch (SQLException e) {
                seen.add("commit failed " + e.getSQLState());
                c.rollback();
            }
            c.setAutoCommit(true);
        }
        seen.add("autocommit after " + c.getAutoCommit());
        CaptureSuiteTest.query(c, "SELECT id, v FROM b ORDER BY id", seen);
        return seen;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailingBatchInsideATransactionKeepsWhatTheRawDriverKeeps(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE b (id INT PRIMARY KEY, v INT)");
            List<List<String>> raw = new ArrayList<>();
            List<List<String>> ledger = new ArrayList<>();
            for (boolean prepared : new boolean[] {true, false}) {
                try (Connection r = f.raw(); Connection l = f.ledger()) {
                    raw.add(observe(r, prepared, backend, false));
                    ledger.add(observe(l, prepared, backend, false));
                }
                System.out.println(backend + (prepared ? " prepared " : " statement ") + "in tx raw    " + raw.get(raw.size() - 1));
                System.out.println(backend + (prepared ? " prepared " : " statement ") + "in tx ledger " + ledger.get(ledger.size() - 1));
            }
            assertThat(ledger).isEqualTo(raw);
            assertThat(f.verify()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailingAutocommitBatchKeepsWhatTheRawDriverKeeps(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend)) {
            f.schema("CREATE TABLE b (id INT PRIMARY KEY, v INT)");
            List<List<String>> raw = new ArrayList<>();
            List<List<String>> ledger = new ArrayList<>();
            for (boolean prepared : new boolean[] {true, false}) {
                try (Connection r = f.raw(); Connection l = f.ledger()) {
                    raw.add(observe(r, prepared, backend));
                    ledger.add(observe(l, prepared, backend));
                }
                System.out.println(backend + (prepared ? " prepared " : " statement ") + "raw    " + raw.get(raw.size() - 1));
                System.out.println(backend + (prepared ? " prepared " : " statement ") + "ledger " + ledger.get(ledger.size() - 1));
            }
            assertThat(ledger).isEqualTo(raw);
            // where the raw driver commits item by item, every committed item is its own ledger entry
            if (backend != Backend.POSTGRESQL) {
                List<LedgerEntry> batchEntries = f.entries().stream().filter(e -> e.changes().stream().anyMatch(ch ->
                        ch instanceof RowChange rc && rc.op() == Operation.INSERT && !rc.key().toString().endsWith("=3}"))).toList();
                assertThat(batchEntries).allSatisfy(e -> assertThat(e.changes()).hasSize(1));
                // kept by the failing batches: 1, 2 (SQLite; twice), 1, 2, 4, 5 (H2 twice, MariaDB's Statement batch)
                long expected = switch (backend) {
                    case SQLITE -> 4;
                    case MARIADB -> 4;
                    default -> 8;
                };
                assertThat(batchEntries).hasSize((int) expected);
            }
            assertThat(f.verify()).isEmpty();
            for (List<?> t : f.replayAndCompare("b")) {
                assertThat(t.get(2)).isEqualTo(t.get(1));
            }
        }
    }
}
