package io.ledgerjdbc.driver.jdbc;

import java.sql.Statement;

/** The statement an execution runs on, as the session sees it. */
public interface ExecutionContext {

    /** The real driver's statement (the session reads generated keys and update counts from it). */
    Statement realStatement();

    /** What the application asked for in generated keys, for this execution. */
    KeyRequest keyRequest();

    /**
     * A plain Statement only: whether this execution asked the real driver for the keys
     * {@link Session#keysForCapture} named (a PreparedStatement asks when it is prepared instead).
     */
    default boolean askedKeysForCapture() {
        return false;
    }

    /**
     * Rows the database's referential actions changed, which its update count may include besides the statement's
     * own (sqlite-jdbc's Statement counts them, its PreparedStatement does not), known once the statement ran.
     */
    default long actionRows() {
        return 0;
    }

    /**
     * Whether this execution runs the SQL its PreparedStatement was prepared with (not a plain-Statement
     * {@code execute(String)} on a PreparedStatement, which the real driver rejects): only then may the session run a
     * statement of its own in its place.
     */
    default boolean runsPreparedSql() {
        return false;
    }

    /**
     * The execution ran on another real statement than {@link #realStatement()} (the session sent the write with its
     * ledger entry in one round trip) and its single result is this update count: the statement's result getters
     * answer it, as the raw driver would have for the write alone, until the next execution.
     */
    default void resultIsUpdateCount(long updateCount) {
    }

    /** A new execution begins: the result getters read the real statement again (see {@link #resultIsUpdateCount}). */
    default void resultsFromRealStatement() {
    }
}
