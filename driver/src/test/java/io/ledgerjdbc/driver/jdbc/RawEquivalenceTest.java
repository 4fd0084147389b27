package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through a {@link PassThroughSession}, the wrappers are invisible: a scripted sequence of JDBC calls gives the same
 * update counts, generated keys, result sets, warnings, batch counts and exceptions (class, SQLState, vendor code,
 * message) as on the raw driver.
 */
class RawEquivalenceTest {

    @TempDir
    Path dir;

    private static final String INSERT = "INSERT INTO item (name, qty) VALUES (?, ?)";

    @ParameterizedTest
    @EnumSource(Backend.class)
    void scriptedSequenceGivesTheSameResultsAndErrorsAsTheRawDriver(Backend backend) throws SQLException {
        List<String> raw;
        List<String> wrapped;
        try (Connection c = backend.open(dir, "raw")) {
            raw = script(c, backend);
        }
        try (Connection c = backend.openWrapped(dir, "wrapped")) {
            wrapped = script(c, backend);
        }

        assertThat(wrapped).containsExactlyElementsOf(raw);
        // The script really exercised the database (it is not a list of identical failures).
        assertThat(raw).contains("insert = Integer 1", "statement batch = [1, 2, 0]", "large statement batch = [1]");
        assertThat(raw).filteredOn(line -> line.startsWith("duplicate key ! ") || line.startsWith("syntax error ! ")
                || line.matches("(?s)duplicate key in a statement batch ! \\S*BatchUpdateException .*")).hasSize(3);
    }

    /** A scripted sequence of calls; one line per observable outcome. */
    private static List<String> script(Connection c, Backend backend) {
        List<String> log = new ArrayList<>();
        Step step = (label, action) -> log.add(label + " " + Outcomes.of(action));
        Statement s = open(c::createStatement);

        step.run("create", () -> s.executeUpdate("CREATE TABLE item (" + backend.idColumn()
                + ", name VARCHAR(20) NOT NULL UNIQUE, qty INTEGER)"));
        step.run("insert", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('a', 1)"));

        // Generated keys, as asked in every way a Statement can.
        step.run("insert asking keys", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('b', 2)",
                Statement.RETURN_GENERATED_KEYS));
        step.run("keys", s::getGeneratedKeys);
        step.run("insert asking no keys", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('b2', 2)",
                Statement.NO_GENERATED_KEYS));
        step.run("insert asking key names", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('c', 3)",
                new String[] {"id"}));
        step.run("keys by name", s::getGeneratedKeys);
        step.run("insert asking key indexes", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('d', 4)",
                new int[] {1}));
        step.run("keys by index", s::getGeneratedKeys);
        step.run("execute asking keys", () -> s.execute("INSERT INTO item (name, qty) VALUES ('e', 5)",
                Statement.RETURN_GENERATED_KEYS));
        step.run("execute keys", s::getGeneratedKeys);
        step.run("execute asking key names", () -> s.execute("INSERT INTO item (name, qty) VALUES ('e2', 5)",
                new String[] {"id"}));
        step.run("execute keys by name", s::getGeneratedKeys);

        // Update counts and results of execute().
        step.run("execute update", () -> s.execute("UPDATE item SET qty = qty + 1"));
        step.run("update count", s::getUpdateCount);
        step.run("more results", s::getMoreResults);
        step.run("update count after", s::getUpdateCount);
        step.run("execute select", () -> s.execute("SELECT name, qty FROM item ORDER BY id"));
        step.run("result set", s::getResultSet);
        step.run("query", () -> s.executeQuery("SELECT count(*) AS n, sum(qty) AS total FROM item"));
        step.run("large update", () -> s.executeLargeUpdate("UPDATE item SET qty = qty * 2 WHERE qty > 3"));
        step.run("large update count", s::getLargeUpdateCount);
        step.run("delete", () -> s.executeUpdate("DELETE FROM item WHERE name = 'e2'"));

        // Errors of the database.
        step.run("duplicate key", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('a', 9)"));
        step.run("syntax error", () -> s.executeQuery("SELEC name FROM item"));
        step.run("unknown table", () -> s.executeUpdate("INSERT INTO nowhere VALUES (1)"));
        step.run("not null", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES (NULL, 1)"));
        step.run("query that updates", () -> s.executeQuery("UPDATE item SET qty = 0 WHERE name = 'zz'"));
        step.run("statement warnings", s::getWarnings);
        step.run("connection warnings", c::getWarnings);

        // Statement batches, including one that fails half-way; the batch is empty afterwards.
        step.run("statement batch", () -> {
            s.addBatch("INSERT INTO item (name, qty) VALUES ('f', 6)");
            s.addBatch("UPDATE item SET qty = qty + 1 WHERE name IN ('a', 'b')");
            s.addBatch("DELETE FROM item WHERE name = 'nobody'");
            return s.executeBatch();
        });
        step.run("statement batch again", s::executeBatch);
        step.run("duplicate key in a statement batch", () -> {
            s.addBatch("INSERT INTO item (name, qty) VALUES ('g', 7)");
            s.addBatch("INSERT INTO item (name, qty) VALUES ('a', 7)");
            s.addBatch("INSERT INTO item (name, qty) VALUES ('h', 8)");
            return s.executeBatch();
        });
        step.run("statement batch after failure", s::executeBatch);
        step.run("cleared statement batch", () -> {
            s.addBatch("INSERT INTO item (name, qty) VALUES ('never', 0)");
            s.clearBatch();
            return s.executeBatch();
        });
        step.run("large statement batch", () -> {
            s.addBatch("INSERT INTO item (name, qty) VALUES ('i', 9)");
            return s.executeLargeBatch();
        });

        // PreparedStatements: generated keys asked at prepare time, batches.
        step.run("prepared insert asking keys", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "j");
                ps.setInt(2, 10);
                return Outcomes.render(ps.executeUpdate()) + " " + Outcomes.of(ps::getGeneratedKeys);
            }
        });
        step.run("prepared insert asking key names", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
                ps.setString(1, "k");
                ps.setInt(2, 11);
                return Outcomes.render(ps.executeUpdate()) + " " + Outcomes.of(ps::getGeneratedKeys);
            }
        });
        step.run("prepared insert asking key indexes", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT, new int[] {1})) {
                ps.setString(1, "l");
                ps.setInt(2, 12);
                return Outcomes.render(ps.executeUpdate()) + " " + Outcomes.of(ps::getGeneratedKeys);
            }
        });
        step.run("prepared batch", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (String name : new String[] {"m", "n", "o"}) {
                    ps.setString(1, name);
                    ps.setInt(2, 13);
                    ps.addBatch();
                }
                return Outcomes.render(ps.executeBatch()) + " then " + Outcomes.of(ps::executeBatch);
            }
        });
        step.run("duplicate key in a prepared batch", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (String name : new String[] {"p", "a", "q"}) {
                    ps.setString(1, name);
                    ps.setInt(2, 14);
                    ps.addBatch();
                }
                String first = Outcomes.of(ps::executeBatch);
                return first + " then " + Outcomes.of(ps::executeBatch);
            }
        });
        step.run("large prepared batch", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, "r");
                ps.setInt(2, 15);
                ps.addBatch();
                return ps.executeLargeBatch();
            }
        });
        step.run("missing parameter", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, "s");
                return ps.executeUpdate();
            }
        });
        step.run("parameter index out of range", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(3, "s");
                return null;
            }
        });
        step.run("plain execution on a prepared statement", () -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                return Outcomes.of(() -> ps.executeQuery("SELECT 1")) + Outcomes.of(() -> ps.executeUpdate("DELETE FROM item"))
                        + Outcomes.of(() -> ps.execute("DELETE FROM item"))
                        + Outcomes.of(Outcomes.done(() -> ps.addBatch("DELETE FROM item")));
            }
        });
        step.run("prepare a syntax error", () -> c.prepareStatement("INSERT INTO item VALUES (?,"));

        // Transactions and savepoints.
        step.run("begin", () -> {
            c.setAutoCommit(false);
            return c.getAutoCommit();
        });
        step.run("insert in transaction", () -> s.executeUpdate("INSERT INTO item (name, qty) VALUES ('t1', 1)"));
        step.run("named savepoint", () -> {
            Savepoint sp = c.setSavepoint("sp1");
            s.executeUpdate("INSERT INTO item (name, qty) VALUES ('t2', 1)");
            c.rollback(sp);
            return sp.getSavepointName();
        });
        step.run("unnamed savepoint", () -> {
            Savepoint sp = c.setSavepoint();
            s.executeUpdate("INSERT INTO item (name, qty) VALUES ('t3', 1)");
            c.releaseSavepoint(sp);
            return Outcomes.of(sp::getSavepointName);
        });
        step.run("commit", () -> {
            c.commit();
            return s.executeQuery("SELECT name FROM item WHERE name LIKE 't%' ORDER BY name");
        });
        step.run("rollback", () -> {
            s.executeUpdate("INSERT INTO item (name, qty) VALUES ('u', 1)");
            c.rollback();
            return s.executeQuery("SELECT count(*) FROM item WHERE name = 'u'");
        });
        step.run("autocommit again", () -> {
            c.setAutoCommit(true);
            return c.getAutoCommit();
        });
        step.run("final content", () -> s.executeQuery("SELECT id, name, qty FROM item ORDER BY id"));

        // Metadata.
        step.run("metadata", () -> {
            DatabaseMetaData md = c.getMetaData();
            return md.getDatabaseProductName() + " " + md.supportsGetGeneratedKeys() + " " + md.supportsBatchUpdates();
        });
        step.run("metadata tables", () -> {
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%TEM", new String[] {"TABLE"})) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
                return names.toString();
            }
        });

        // Closed objects fail as the real driver's do.
        step.run("closed statement", () -> {
            s.close();
            return s.isClosed() + " " + Outcomes.of(() -> s.executeQuery("SELECT 1"));
        });
        step.run("closed connection", () -> {
            c.close();
            return c.isClosed() + " " + Outcomes.of(c::createStatement) + " " + Outcomes.of(() -> c.prepareStatement(INSERT))
                    + " " + Outcomes.of(Outcomes.done(c::commit))
                    + " " + Outcomes.of(Outcomes.done(() -> c.setAutoCommit(false)));
        });
        step.run("close twice", () -> {
            c.close();
            return c.isClosed();
        });
        return log;
    }

    @FunctionalInterface
    private interface Step {
        void run(String label, Outcomes.Action action);
    }

    @FunctionalInterface
    private interface Opener<T> {
        T open() throws SQLException;
    }

    private static <T> T open(Opener<T> opener) {
        try {
            return opener.open();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
