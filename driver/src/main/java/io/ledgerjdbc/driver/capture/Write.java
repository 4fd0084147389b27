package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import java.sql.Connection;

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
 */
public record Write<T>(Connection connection, TableInfo table, Params params, ExecutionContext context, RealCall<T> call,
                       StatementResults results, WriteFacts facts, boolean returnsChangedRows) {

    /** The same write, run by {@code call} in {@code context} (see {@link ReferentialActions.Pending#around}). */
    public Write<T> runBy(ExecutionContext context, RealCall<T> call) {
        return new Write<>(connection, table, params, context, call, results, facts, returnsChangedRows);
    }
}
