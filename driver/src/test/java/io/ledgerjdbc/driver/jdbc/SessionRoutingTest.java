package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the session sees: every execution (with its SQL, the parameters bound at that moment and the generated keys
 * asked for), every prepare (with the key request of the variant used), and every transaction call.
 */
class SessionRoutingTest {

    private static final String INSERT = "INSERT INTO item (name) VALUES ('x')";

    @TempDir
    Path dir;

    private Connection real;
    private RecordingSession session;
    private Connection conn;

    @BeforeEach
    void open() throws SQLException {
        real = Backend.H2.open(dir, "routing");
        try (Statement s = real.createStatement()) {
            s.executeUpdate("CREATE TABLE item (" + Backend.H2.idColumn() + ", name VARCHAR(20))");
        }
        session = new RecordingSession(real);
        conn = new LedgerConnection(real, session);
    }

    @AfterEach
    void close() throws SQLException {
        real.close();
    }

    private interface Execution {
        void run(Statement s) throws SQLException;
    }

    private void assertExecutes(Statement s, String sql, KeyRequest keys, Execution execution) throws SQLException {
        int before = session.calls.size();
        execution.run(s);
        assertThat(session.calls).hasSize(before + 1);
        RecordingSession.Call call = session.last();
        assertThat(call.method()).isEqualTo("execute");
        assertThat(call.context()).isSameAs(s);
        assertThat(call.sql()).isEqualTo(sql);
        assertThat(call.params()).isSameAs(Params.NONE);
        assertThat(call.keys()).isEqualTo(keys);
    }

    @Test
    void everyStatementExecutionGoesThroughTheSessionWithItsKeyRequest() throws SQLException {
        try (Statement s = conn.createStatement()) {
            assertExecutes(s, "SELECT 1", KeyRequest.NONE, x -> x.executeQuery("SELECT 1"));
            assertExecutes(s, INSERT, KeyRequest.NONE, x -> x.executeUpdate(INSERT));
            assertExecutes(s, INSERT, KeyRequest.AUTO, x -> x.executeUpdate(INSERT, Statement.RETURN_GENERATED_KEYS));
            assertExecutes(s, INSERT, KeyRequest.NONE, x -> x.executeUpdate(INSERT, Statement.NO_GENERATED_KEYS));
            assertExecutes(s, INSERT, KeyRequest.indexes(new int[] {1}), x -> x.executeUpdate(INSERT, new int[] {1}));
            assertExecutes(s, INSERT, KeyRequest.names(new String[] {"ID"}),
                    x -> x.executeUpdate(INSERT, new String[] {"ID"}));
            assertExecutes(s, INSERT, KeyRequest.NONE, x -> x.execute(INSERT));
            assertExecutes(s, INSERT, KeyRequest.AUTO, x -> x.execute(INSERT, Statement.RETURN_GENERATED_KEYS));
            assertExecutes(s, INSERT, KeyRequest.indexes(new int[] {1}), x -> x.execute(INSERT, new int[] {1}));
            assertExecutes(s, INSERT, KeyRequest.names(new String[] {"ID"}), x -> x.execute(INSERT, new String[] {"ID"}));
            assertExecutes(s, INSERT, KeyRequest.NONE, x -> x.executeLargeUpdate(INSERT));
            assertExecutes(s, INSERT, KeyRequest.AUTO,
                    x -> x.executeLargeUpdate(INSERT, Statement.RETURN_GENERATED_KEYS));
            assertExecutes(s, INSERT, KeyRequest.indexes(new int[] {1}), x -> x.executeLargeUpdate(INSERT, new int[] {1}));
            assertExecutes(s, INSERT, KeyRequest.names(new String[] {"ID"}),
                    x -> x.executeLargeUpdate(INSERT, new String[] {"ID"}));
        }
    }

    @Test
    void generatedKeysComeFromTheSessionForTheLastExecution() throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.executeUpdate(INSERT, new String[] {"ID"});
            ResultSet keys = s.getGeneratedKeys();
            RecordingSession.Call call = session.last();
            assertThat(call.method()).isEqualTo("generatedKeys");
            assertThat(call.context()).isSameAs(s);
            assertThat(call.keys()).isEqualTo(KeyRequest.names(new String[] {"ID"}));
            assertThat(keys.next()).isTrue();
            assertThat(keys.getInt(1)).isEqualTo(1);

            s.executeUpdate(INSERT);
            s.getGeneratedKeys();
            assertThat(session.last().keys()).isEqualTo(KeyRequest.NONE);
        }
    }

    @Test
    void eachPrepareVariantAsksTheSessionWithItsKeyRequest() throws SQLException {
        record Variant(KeyRequest keys, PreparedStatement ps) {
        }
        List<Variant> variants = List.of(
                new Variant(KeyRequest.NONE, conn.prepareStatement(INSERT)),
                new Variant(KeyRequest.AUTO, conn.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)),
                new Variant(KeyRequest.NONE, conn.prepareStatement(INSERT, Statement.NO_GENERATED_KEYS)),
                new Variant(KeyRequest.indexes(new int[] {1}), conn.prepareStatement(INSERT, new int[] {1})),
                new Variant(KeyRequest.names(new String[] {"ID"}), conn.prepareStatement(INSERT, new String[] {"ID"})),
                new Variant(KeyRequest.NONE, conn.prepareStatement(INSERT, ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY)),
                new Variant(KeyRequest.NONE, conn.prepareStatement(INSERT, ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY, ResultSet.CLOSE_CURSORS_AT_COMMIT)));
        List<RecordingSession.Call> prepares = session.calls.stream().filter(c -> c.method().equals("prepare")).toList();
        assertThat(prepares).hasSize(variants.size());
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            assertThat(prepares.get(i).sql()).isEqualTo(INSERT);
            assertThat(prepares.get(i).keys()).isEqualTo(v.keys());
            assertThat(((ExecutionContext) v.ps()).keyRequest()).isEqualTo(v.keys());
            v.ps().executeUpdate();
            assertThat(session.last().keys()).isEqualTo(v.keys());
            v.ps().getGeneratedKeys();
            assertThat(session.last().method()).isEqualTo("generatedKeys");
            assertThat(session.last().keys()).isEqualTo(v.keys());
            v.ps().close();
        }
    }

    @Test
    void preparedExecutionsCarryTheParametersBoundAtThatMoment() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO item (name) VALUES (?)");
             PreparedStatement probe = real.prepareStatement("SELECT ?")) {
            ps.setString(1, "first");
            ps.executeUpdate();
            Params first = session.last().params();
            ps.setString(1, "second");
            ps.executeLargeUpdate();
            Params second = session.last().params();
            ps.setString(1, "third");
            ps.execute();
            assertThat(session.last().context()).isSameAs(ps);
            assertThat(session.last().sql()).isEqualTo("INSERT INTO item (name) VALUES (?)");

            assertThat(bound(probe, first)).isEqualTo("first");
            assertThat(bound(probe, second)).isEqualTo("second");
            assertThat(bound(probe, session.last().params())).isEqualTo("third");
        }
        try (PreparedStatement ps = conn.prepareStatement("SELECT name FROM item WHERE name = ?")) {
            ps.setString(1, "second");
            ResultSet rs = ps.executeQuery();
            assertThat(session.last().params().size()).isGreaterThanOrEqualTo(1);
            assertThat(rs.next()).isTrue();
        }
    }

    private static String bound(PreparedStatement probe, Params params) throws SQLException {
        params.bindRange(probe, 1, 1, 1);
        try (ResultSet rs = probe.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void anExecutionTheSessionRefusesNeverReachesTheDatabase() throws SQLException {
        SQLException refusal = new SQLException("refused", "0A000");
        try (Statement s = conn.createStatement(); PreparedStatement ps = conn.prepareStatement(INSERT)) {
            session.refuseNext = refusal;
            assertThatThrownBy(() -> s.executeUpdate(INSERT)).isSameAs(refusal);
            session.refuseNext = refusal;
            assertThatThrownBy(ps::executeUpdate).isSameAs(refusal);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM item")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void callableStatementExecutionsGoThroughTheSession() throws SQLException {
        try (CallableStatement cs = conn.prepareCall("CALL 42")) {
            assertThat(cs).isInstanceOf(LedgerCallableStatement.class);
            ResultSet rs = cs.executeQuery();
            assertThat(session.last().method()).isEqualTo("execute");
            assertThat(session.last().sql()).isEqualTo("CALL 42");
            assertThat(session.last().context()).isSameAs(cs);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);

            session.refuseNext = new SQLException("CALL cannot be captured", "0A000");
            assertThatThrownBy(cs::execute).hasMessage("CALL cannot be captured");
        }
    }

    @Test
    void transactionCallsGoToTheSession() throws SQLException {
        conn.setAutoCommit(false);
        assertThat(conn.getAutoCommit()).isFalse();
        Savepoint unnamed = conn.setSavepoint();
        Savepoint named = conn.setSavepoint("sp");
        assertThat(unnamed.getSavepointId()).as("an unnamed savepoint has an id").isNotNegative();
        assertThat(Outcomes.of(unnamed::getSavepointName)).as("and no name").startsWith("! ");
        assertThat(named.getSavepointName()).isEqualTo("sp");
        conn.releaseSavepoint(named);
        conn.rollback(unnamed);
        conn.commit();
        conn.rollback();
        Executor direct = Runnable::run;
        conn.abort(direct);
        conn.close();

        assertThat(session.calls).extracting(RecordingSession.Call::method).containsExactly(
                "setAutoCommit", "getAutoCommit", "setSavepoint", "setSavepoint", "releaseSavepoint", "rollbackTo",
                "commit", "rollback", "abort", "close");
        assertThat(session.calls).extracting(RecordingSession.Call::argument).containsExactly(
                false, null, null, "sp", named, unnamed, null, null, direct, null);
        assertThat(real.isClosed()).isTrue();
    }
}
