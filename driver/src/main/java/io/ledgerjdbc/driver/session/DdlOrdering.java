package io.ledgerjdbc.driver.session;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.driver.LedgerConfig;

import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.capture.CaptureRefusal;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.ledger.entry.DdlChange;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Puts DDL and statements that commit implicitly in the ledger's order: a DDL statement is recorded after the
 * changes captured before it (run here, or in a cluster ordered through the log and run on every database), and a
 * statement that would commit captured changes without their entry is refused.
 *
 * <p>Threading: one connection's, used by one thread at a time as JDBC allows; not thread-safe.
 */
final class DdlOrdering {

    private final Connection real;
    private final LedgerDatabase database;
    private final LedgerConfig config;
    private final LedgerTransaction transaction;

    DdlOrdering(Connection real, LedgerDatabase database, LedgerConfig config, LedgerTransaction transaction) {
        this.real = real;
        this.database = database;
        this.config = config;
        this.transaction = transaction;
    }

    /**
     * On MariaDB and H2 some statements that change no rows still commit the open transaction (LOCK TABLES,
     * ANALYZE, most SET commands); the captured changes would then commit without their entry. With changes
     * pending, only plain queries and variable assignments are let through.
     */
    void refuseImplicitCommit(String sql) throws SQLException {
        if (!database.backend().hasImplicitCommits()) {
            return;
        }
        String head = sql.stripLeading().toUpperCase(java.util.Locale.ROOT);
        boolean query = head.startsWith("SELECT") || head.startsWith("WITH") || head.startsWith("VALUES")
                || head.startsWith("TABLE") || head.startsWith("SHOW") || head.startsWith("EXPLAIN")
                || head.startsWith("DESC") || head.startsWith("(") || head.startsWith("SET @");
        if (!query) {
            throw CaptureRefusal.of("a statement that commits implicitly inside a transaction with captured changes",
                    "on this database it would commit them without their ledger entry; commit() first");
        }
    }

    /**
     * In a cluster DDL is not run here first: it runs in the log's total order on every database, this one included,
     * so no database ever applies a write-set against another schema than the others. It commits the open
     * transaction first, as DDL does on H2 and MariaDB anyway.
     */
    <T> T orderDdl(Analysis.Ddl ddl, String sql, T ifNotRun) throws SQLException {
        if (!transaction.pending.isEmpty()) {
            transaction.commit();
        }
        real.rollback(); // end the (empty) local transaction: the DDL's apply may need its locks
        database.replicate(config.node(), database.nextTxId(), List.of(new DdlChange(ddl.object(), sql)));
        return ifNotRun;
    }

    /** Runs DDL on this database and records it after the changes captured before it (see DdlChange). */
    <T> T executeDdl(Analysis.Ddl ddl, String sql, RealCall<T> call, boolean implicit) throws SQLException {
        boolean commitsImplicitly = database.backend().hasImplicitCommits();
        if (commitsImplicitly && !implicit && !transaction.pending.isEmpty()) {
            transaction.commit(); // the DDL would commit these changes anyway: record them first
        }
        T result = call.call();
        database.catalog().invalidate();
        database.forgetAdoptions();
        transaction.pending.add(new DdlChange(ddl.object(), ddl.recordedSql() != null ? ddl.recordedSql() : sql));
        if (ddl.kind() == Analysis.DdlKind.CREATE_TABLE && ddl.table() != null) {
            markCreatedTable(ddl.table());
        }
        if (commitsImplicitly && !implicit) {
            transaction.commit(); // the DDL is already committed: record it at once
        }
        return result;
    }

    /** A table created through the driver is known from the start: marked now, so no adoption is needed later. */
    private void markCreatedTable(Analysis.TableRef table) throws SQLException {
        TableInfo t;
        try {
            t = database.catalog().table(real, table);
        } catch (SQLException notFound) {
            return; // a temporary table, or one the metadata does not show: adopted on first write if ever
        }
        // CREATE TABLE IF NOT EXISTS on a table that already had rows: those rows are adopted with it
        transaction.pending.addAll(database.adopt(real, t, transaction.adoptedHere));
    }
}
