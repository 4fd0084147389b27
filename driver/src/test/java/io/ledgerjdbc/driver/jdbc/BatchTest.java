package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batches reach the session with what was added (SQL, or parameter sets), give the raw driver's counts, and are
 * empty after every executeBatch: after success, after a BatchUpdateException, and after the session refused them
 * (then the real statement's batch is dropped too, so it cannot run later unrecorded).
 */
class BatchTest {

    private static final String INSERT = "INSERT INTO item (name, qty) VALUES (?, ?)";

    @TempDir
    Path dir;

    private final List<Connection> open = new ArrayList<>();
    private RecordingSession session;
    private Connection real;

    private Connection raw(Backend backend, String name) throws SQLException {
        Connection c = backend.open(dir, name);
        open.add(c);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE item (" + backend.idColumn() + ", name VARCHAR(20) NOT NULL UNIQUE, qty INTEGER)");
            s.executeUpdate("INSERT INTO item (name, qty) VALUES ('taken', 0)");
        }
        return c;
    }

    private Connection wrapped(Backend backend, String name) throws SQLException {
        real = raw(backend, name);
        session = new RecordingSession(real);
        return new LedgerConnection(real, session);
    }

    @AfterEach
    void closeAll() throws SQLException {
        for (Connection c : open) {
            c.close();
        }
    }

    private static void addStatements(Statement s, String... names) throws SQLException {
        for (String name : names) {
            s.addBatch("INSERT INTO item (name, qty) VALUES ('" + name + "', 1)");
        }
    }

    private static void addParameterSets(PreparedStatement ps, String... names) throws SQLException {
        for (int i = 0; i < names.length; i++) {
            ps.setString(1, names[i]);
            ps.setInt(2, i);
            ps.addBatch();
        }
    }

    private static List<String> names(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM item ORDER BY id")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void statementBatchGivesTheRawCountsAndHandsTheSessionItsSql(Backend backend) throws SQLException {
        int[] expected;
        try (Statement s = raw(backend, "raw").createStatement()) {
            addStatements(s, "a", "b");
            s.addBatch("UPDATE item SET qty = qty + 1");
            expected = s.executeBatch();
        }
        Connection c = wrapped(backend, "wrapped");
        try (Statement s = c.createStatement()) {
            addStatements(s, "a", "b");
            s.addBatch("UPDATE item SET qty = qty + 1");
            assertThat(s.executeBatch()).containsExactly(expected);

            RecordingSession.Call call = session.last("executeBatch");
            assertThat(call.context()).isSameAs(s);
            assertThat(call.items()).extracting(BatchItem::sql).containsExactly(
                    "INSERT INTO item (name, qty) VALUES ('a', 1)", "INSERT INTO item (name, qty) VALUES ('b', 1)",
                    "UPDATE item SET qty = qty + 1");
            assertThat(call.items()).extracting(BatchItem::params).containsOnly(Params.NONE);
            assertThat(session.last("counts").argument()).isEqualTo(new long[] {1, 1, 3});

            assertThat(s.executeBatch()).isEmpty();
            assertThat(session.last("executeBatch").items()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void preparedBatchGivesTheRawCountsAndHandsTheSessionEachParameterSet(Backend backend) throws SQLException {
        int[] expected;
        try (PreparedStatement ps = raw(backend, "raw").prepareStatement(INSERT)) {
            addParameterSets(ps, "a", "b", "c");
            expected = ps.executeBatch();
        }
        Connection c = wrapped(backend, "wrapped");
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            addParameterSets(ps, "a", "b", "c");
            assertThat(ps.executeBatch()).containsExactly(expected);

            List<BatchItem> items = session.last("executeBatch").items();
            assertThat(items).extracting(BatchItem::sql).containsOnly(INSERT);
            assertThat(items).hasSize(3);
            // Each item holds its own parameter set, bindable elsewhere.
            List<String> bound = new ArrayList<>();
            try (PreparedStatement probe = real.prepareStatement("SELECT ?, ?")) {
                for (BatchItem item : items) {
                    item.params().bindRange(probe, 1, 2, 1);
                    try (ResultSet rs = probe.executeQuery()) {
                        rs.next();
                        bound.add(rs.getString(1) + "/" + rs.getInt(2));
                    }
                }
            }
            assertThat(bound).containsExactly("a/0", "b/1", "c/2");
            assertThat(ps.executeBatch()).isEmpty();
        }
        assertThat(names(c)).containsExactly("taken", "a", "b", "c");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void largeBatchesGiveLongCounts(Backend backend) throws SQLException {
        Connection c = wrapped(backend, "wrapped");
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            addStatements(s, "a", "b");
            assertThat(s.executeLargeBatch()).containsExactly(1L, 1L);
            assertThat(session.last("counts").argument()).isEqualTo(new long[] {1, 1});
            addParameterSets(ps, "c");
            assertThat(ps.executeLargeBatch()).containsExactly(1L);
            assertThat(s.executeLargeBatch()).isEmpty();
            assertThat(ps.executeLargeBatch()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void statementBatchIsEmptyAfterABatchUpdateException(Backend backend) throws SQLException {
        String expected;
        String expectedNext;
        try (Statement s = raw(backend, "raw").createStatement()) {
            addStatements(s, "a", "taken", "b");
            expected = Outcomes.of(s::executeBatch);
            expectedNext = Outcomes.of(s::executeBatch);
        }
        Connection c = wrapped(backend, "wrapped");
        try (Statement s = c.createStatement()) {
            addStatements(s, "a", "taken", "b");
            assertThatThrownBy(s::executeBatch).isInstanceOf(BatchUpdateException.class);
            assertThat(session.last("executeBatch").items()).hasSize(3);
            assertThat(Outcomes.of(s::executeBatch)).isEqualTo(expectedNext).isEqualTo("= []");
            assertThat(session.last("executeBatch").items()).isEmpty();
        }
        // Same failure as the raw driver, counts included.
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM item WHERE name <> 'taken'");
            addStatements(s, "a", "taken", "b");
            assertThat(Outcomes.of(s::executeBatch)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void preparedBatchIsEmptyAfterAFailure(Backend backend) throws SQLException {
        String expected;
        String expectedNext;
        try (PreparedStatement ps = raw(backend, "raw").prepareStatement(INSERT)) {
            addParameterSets(ps, "a", "taken", "b");
            expected = Outcomes.of(ps::executeBatch);
            expectedNext = Outcomes.of(ps::executeBatch);
        }
        Connection c = wrapped(backend, "wrapped");
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            addParameterSets(ps, "a", "taken", "b");
            // H2 reports a BatchUpdateException; SQLite the constraint error itself: whatever the driver does.
            assertThat(Outcomes.of(ps::executeBatch)).isEqualTo(expected).startsWith("! ");
            assertThat(Outcomes.of(ps::executeBatch)).isEqualTo(expectedNext).isEqualTo("= []");
            assertThat(session.last("executeBatch").items()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void clearBatchEmptiesBothBatches(Backend backend) throws SQLException {
        Connection c = wrapped(backend, "wrapped");
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            addStatements(s, "a");
            s.clearBatch();
            addParameterSets(ps, "b");
            ps.clearBatch();
            assertThat(s.executeBatch()).isEmpty();
            assertThat(ps.executeBatch()).isEmpty();
            assertThat(session.last("executeBatch").items()).isEmpty();
        }
        assertThat(names(c)).containsExactly("taken");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aBatchTheSessionRefusesIsDroppedFromTheRealStatementToo(Backend backend) throws SQLException {
        Connection c = wrapped(backend, "wrapped");
        SQLException refusal = new SQLException("refused", "0A000");
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            addStatements(s, "a", "b");
            session.refuseNext = refusal;
            assertThatThrownBy(s::executeBatch).isSameAs(refusal);
            assertThat(s.executeBatch()).as("nothing left to run, unrecorded").isEmpty();

            addParameterSets(ps, "c");
            session.refuseNext = refusal;
            assertThatThrownBy(ps::executeLargeBatch).isSameAs(refusal);
            assertThat(ps.executeBatch()).isEmpty();
        }
        assertThat(names(c)).containsExactly("taken");
    }
}
