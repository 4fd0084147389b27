package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whatever the application reaches from a wrapper (connection, statement, result set, metadata) is a wrapper: a
 * real driver object would let it run writes the ledger never sees.
 */
class NoLeakTest {

    @TempDir
    Path dir;

    private Connection conn;

    private Connection open(Backend backend) throws SQLException {
        conn = backend.openWrapped(dir, "leak");
        try (Statement s = conn.createStatement()) {
            s.executeUpdate("CREATE TABLE item (" + backend.idColumn() + ", name VARCHAR(20))");
            s.executeUpdate("INSERT INTO item (name) VALUES ('a')");
        }
        return conn;
    }

    @AfterEach
    void close() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void statementsReturnTheWrappingConnection(Backend backend) throws SQLException {
        Connection c = open(backend);
        try (Statement s = c.createStatement();
             Statement scrollable = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
             PreparedStatement ps = c.prepareStatement("SELECT name FROM item");
             PreparedStatement keyed = c.prepareStatement("INSERT INTO item (name) VALUES (?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            assertThat(s).isInstanceOf(LedgerStatement.class);
            assertThat(s.getConnection()).isSameAs(c);
            assertThat(scrollable.getConnection()).isSameAs(c);
            assertThat(ps).isInstanceOf(LedgerPreparedStatement.class);
            assertThat(ps.getConnection()).isSameAs(c);
            assertThat(keyed.getConnection()).isSameAs(c);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void metadataReturnsTheWrappingConnection(Backend backend) throws SQLException {
        Connection c = open(backend);
        DatabaseMetaData md = c.getMetaData();
        assertThat(md).isInstanceOf(LedgerDatabaseMetaData.class);
        assertThat(md.getConnection()).isSameAs(c);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void queryResultsReturnTheExactWrappingStatement(Backend backend) throws SQLException {
        Connection c = open(backend);
        try (Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT name FROM item");
            assertThat(rs).isInstanceOf(LedgerResultSet.class);
            assertThat(rs.getStatement()).isSameAs(s);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("a");
        }
        try (Statement s = c.createStatement()) {
            assertThat(s.execute("SELECT name FROM item")).isTrue();
            ResultSet rs = s.getResultSet();
            assertThat(rs).isInstanceOf(LedgerResultSet.class);
            assertThat(rs.getStatement()).isSameAs(s);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM item WHERE name = ?")) {
            ps.setString(1, "a");
            ResultSet rs = ps.executeQuery();
            assertThat(rs.getStatement()).isSameAs(ps);
        }
    }

    @Test
    void askingTwiceForTheResultSetGivesTheSameWrapper() throws SQLException {
        Connection c = open(Backend.H2);
        try (Statement s = c.createStatement()) {
            assertThat(s.execute("SELECT name FROM item")).isTrue();
            ResultSet rs = s.getResultSet();
            assertThat(s.getResultSet()).isSameAs(rs);
            assertThat(s.getMoreResults()).isFalse();
            assertThat(s.getResultSet()).isNull();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM item WHERE name = ?")) {
            ps.setString(1, "a");
            ResultSet rs = ps.executeQuery();
            assertThat(ps.getResultSet()).isSameAs(rs);
            ResultSet again = ps.executeQuery();
            assertThat(again).as("a new real result set gets a new wrapper").isNotSameAs(rs);
            assertThat(ps.getResultSet()).isSameAs(again);
        }
    }

    @Test
    void askingTwiceForTheResultSetFailsWhereTheRealDriverFails() throws SQLException {
        // SQLite hands out a statement's result set only once.
        Connection c = open(Backend.SQLITE);
        Statement raw = c.unwrap(org.sqlite.SQLiteConnection.class).createStatement();
        raw.execute("SELECT name FROM item");
        raw.getResultSet();
        String expected = Outcomes.of(raw::getResultSet);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT name FROM item");
            assertThat(s.getResultSet().getStatement()).isSameAs(s);
            assertThat(Outcomes.of(s::getResultSet)).startsWith("! java.sql.SQLException").isEqualTo(expected);
        }
        raw.close();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void noResultSetStaysNull(Backend backend) throws SQLException {
        Connection c = open(backend);
        try (Statement s = c.createStatement()) {
            assertThat(s.execute("UPDATE item SET name = 'b'")).isFalse();
            assertThat(s.getResultSet()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void generatedKeysReturnTheExactWrappingStatement(Backend backend) throws SQLException {
        Connection c = open(backend);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name) VALUES (?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "b");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            ResultSet keys = ps.getGeneratedKeys();
            assertThat(keys).isInstanceOf(LedgerResultSet.class);
            assertThat(keys.getStatement()).isSameAs(ps);
            assertThat(keys.next()).isTrue();
            assertThat(keys.getLong(1)).isEqualTo(2L);
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO item (name) VALUES ('c')", Statement.RETURN_GENERATED_KEYS);
            ResultSet keys = s.getGeneratedKeys();
            assertThat(keys.getStatement()).isSameAs(s);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void metadataResultSetsExposeNoStatement(Backend backend) throws SQLException {
        Connection c = open(backend);
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet tables = md.getTables(null, null, "%", null);
             ResultSet columns = md.getColumns(null, null, "%", "%");
             ResultSet types = md.getTypeInfo()) {
            for (ResultSet rs : new ResultSet[] {tables, columns, types}) {
                assertThat(rs).isInstanceOf(LedgerResultSet.class);
                assertThat(rs.getStatement()).isNull();
            }
        }
    }

    @Test
    void callableStatementsAreWrappedToo() throws SQLException {
        Connection c = open(Backend.H2);
        try (CallableStatement cs = c.prepareCall("SELECT name FROM item")) {
            assertThat(cs).isInstanceOf(LedgerCallableStatement.class);
            assertThat(cs.getConnection()).isSameAs(c);
            ResultSet rs = cs.executeQuery();
            assertThat(rs.getStatement()).isSameAs(cs);
        }
    }
}
