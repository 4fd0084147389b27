package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

/** unwrap/isWrapperFor: the wrapper for the JDBC interfaces it implements, the real driver's objects beyond. */
class UnwrapTest {

    @TempDir
    Path dir;

    private Connection real;
    private Connection conn;

    private Connection open(Backend backend) throws SQLException {
        real = backend.open(dir, "unwrap");
        conn = new LedgerConnection(real, new PassThroughSession(real));
        return conn;
    }

    @AfterEach
    void close() throws SQLException {
        if (conn != null) {
            conn.close();
        }
    }

    @Test
    void sqliteConnectionUnwrapsToTheRealOne() throws SQLException {
        Connection c = open(Backend.SQLITE);
        assertThat(c.isWrapperFor(org.sqlite.SQLiteConnection.class)).isTrue();
        assertThat(c.unwrap(org.sqlite.SQLiteConnection.class)).isSameAs(real);
    }

    @Test
    void h2ConnectionUnwrapsToTheRealOne() throws SQLException {
        Connection c = open(Backend.H2);
        assertThat(c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)).isTrue();
        assertThat(c.unwrap(org.h2.jdbc.JdbcConnection.class)).isSameAs(real);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void jdbcInterfacesUnwrapToTheWrapper(Backend backend) throws SQLException {
        Connection c = open(backend);
        assertThat(c.unwrap(Connection.class)).isSameAs(c);
        assertThat(c.unwrap(LedgerConnection.class)).isSameAs(c);
        assertThat(c.isWrapperFor(Connection.class)).isTrue();
        assertThat(c.unwrap(AutoCloseable.class)).isSameAs(c);

        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            assertThat(s.unwrap(Statement.class)).isSameAs(s);
            assertThat(ps.unwrap(Statement.class)).isSameAs(ps);
            assertThat(ps.unwrap(PreparedStatement.class)).isSameAs(ps);
            assertThat(ps.unwrap(ExecutionContext.class)).isSameAs(ps);
            ResultSet rs = ps.executeQuery();
            assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
        }
        DatabaseMetaData md = c.getMetaData();
        assertThat(md.unwrap(DatabaseMetaData.class)).isSameAs(md);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyWrapperReachesItsRealObject(Backend backend) throws SQLException {
        Connection c = open(backend);
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            Statement realStatement = ((LedgerStatement) s).realStatement();
            assertThat(s.isWrapperFor(realStatement.getClass())).isTrue();
            assertThat(s.unwrap(realStatement.getClass())).isSameAs(realStatement);

            Statement realPrepared = ((LedgerPreparedStatement) ps).realStatement();
            assertThat(ps.unwrap(realPrepared.getClass())).isSameAs(realPrepared);

            ResultSet rs = ps.executeQuery();
            Class<?> realRsClass = backend == Backend.H2 ? org.h2.jdbc.JdbcResultSet.class
                    : org.sqlite.jdbc3.JDBC3ResultSet.class;
            assertThat(rs.isWrapperFor(realRsClass)).isTrue();
            assertThat(rs.unwrap(realRsClass)).isInstanceOf(realRsClass).isNotSameAs(rs);
        }
        DatabaseMetaData md = c.getMetaData();
        DatabaseMetaData realMd = real.getMetaData();
        assertThat(md.isWrapperFor(realMd.getClass())).isTrue();
        assertThat(md.unwrap(realMd.getClass())).isInstanceOf(realMd.getClass()).isNotSameAs(md);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void unrelatedInterfacesAreRefusedAsTheRealDriverRefusesThem(Backend backend) throws SQLException {
        Connection c = open(backend);
        assertThat(c.isWrapperFor(Runnable.class)).isFalse();
        assertThat(Outcomes.of(() -> c.unwrap(Runnable.class)))
                .startsWith("! ")
                .isEqualTo(Outcomes.of(() -> real.unwrap(Runnable.class)));
    }
}
