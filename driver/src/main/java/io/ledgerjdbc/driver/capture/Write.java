package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.entry.RowChange;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One execution of a write statement, as capture needs it beside the statement's analysis: where it runs, on which
 * table, with which parameters, and how to run it and read what it gave back. Immutable; made per execution by the
 * session.
 *
 * @param connection         the real connection, in the transaction the write belongs to
 * @param table              the table written
 * @param params             the statement's parameters
 * @param context            the execution (update count, key request, real statement)
 * @param call               runs the real statement, exactly once
 * @param results            what the statement gave back (generated keys, returned or changed rows)
 * @param facts              what capture worked out once for this statement and table, or {@link WriteFacts#NONE}
 * @param returnsChangedRows whether the statement returns the rows it changed (see {@link ChangedRows}); false where
 *                           it returns nothing (MariaDB, SQLite; or the application asked for keys itself)
 * @param withEntry          runs the statement together with its ledger entry and the commit, where the session
 *                           allows it (an autocommit write), or null (see {@link WithEntry})
 */
public record Write<T>(Connection connection, TableInfo table, Params params, ExecutionContext context, RealCall<T> call,
                       StatementResults results, WriteFacts facts, boolean returnsChangedRows, WithEntry<T> withEntry) {

    public Write(Connection connection, TableInfo table, Params params, ExecutionContext context, RealCall<T> call,
                 StatementResults results, WriteFacts facts, boolean returnsChangedRows) {
        this(connection, table, params, context, call, results, facts, returnsChangedRows, null);
    }

    /**
     * Runs the write, its ledger entry and the commit as one transaction (PostgreSQL: in one round trip), for a
     * capture that knows the write's changes before it runs, one per row the write changes. The write is then
     * committed, and nothing may be captured after it; an update count other than the number of changes is an
     * error (a rule or trigger the catalog did not show changed what the write does).
     */
    @FunctionalInterface
    public interface WithEntry<T> {
        /**
         * @param table   the table written, as capture knows it (the statement checks it is still so, see
         *                {@code Sealing#withPendingInsertAndCommit})
         * @param changes the write's changes
         */
        T run(TableInfo table, List<RowChange> changes) throws SQLException;
    }

    /** The same write, run by {@code call} in {@code context} (see {@link ReferentialActions.Pending#around}). */
    public Write<T> runBy(ExecutionContext context, RealCall<T> call) {
        return new Write<>(connection, table, params, context, call, results, facts, returnsChangedRows, null);
    }
}
