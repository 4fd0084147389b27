package io.ledgerjdbc.driver.backend;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * How each raw driver runs an {@code executeBatch} when an item fails, so that the ledger gives the same result: the
 * same items kept (in autocommit mode each committed item its own ledger entry), the same exception type and
 * SQLState, the same update counts. Measured with the drivers this project ships (AutocommitBatchSuiteTest), in
 * autocommit mode and inside a transaction (the same, except that an atomic batch inside a transaction is undone as
 * one statement on MariaDB and aborts the transaction on PostgreSQL):
 *
 * <pre>
 *                       items kept         exception                     counts after item 3 of 5 fails
 * sqlite-jdbc prepared  1, 2               the item's SQLiteException    (none)
 * sqlite-jdbc Statement 1, 2               BatchUpdateException, no state [1, 1, 0, 0, 0]
 * H2 (both)             1, 2, 4, 5         BatchUpdateException 23505    [1, 1, -3, 1, 1]
 * pgjdbc (both)         none               BatchUpdateException 23505    [-3, -3, -3, -3, -3]
 * MariaDB prepared      none (bulk)        BatchUpdateException 23000    [-3, -3, -3, -3, -3]
 * MariaDB Statement     1, 2, 4, 5         BatchUpdateException 23000    [1, 1, -3, 1, 1]
 * </pre>
 *
 * Each backend names its kind ({@link Backend#autocommitBatch}).
 */
public enum AutocommitBatch {

    /** One transaction, one entry: a failing item undoes them all and every count is EXECUTE_FAILED. */
    ATOMIC,
    /** Item by item, each committed with its entry; the first failure ends the batch. */
    UNTIL_FAILURE,
    /** Item by item, each committed with its entry; a failing item counts EXECUTE_FAILED and the rest still run. */
    CONTINUE;

    /**
     * The exception the raw driver throws for this batch.
     *
     * @param counts every item's count so far ({@link Statement#EXECUTE_FAILED} for a failed one); items not run are 0
     * @param ran    how many items ran (the failing one included)
     * @param errors the items' failures, in order (at least one)
     */
    public SQLException failure(boolean prepared, long[] counts, int ran, List<SQLException> errors) {
        SQLException first = errors.get(0);
        int[] reported;
        BatchUpdateException e;
        switch (this) {
            case ATOMIC -> {
                reported = new int[counts.length];
                Arrays.fill(reported, Statement.EXECUTE_FAILED);
                e = new BatchUpdateException(first.getMessage(), first.getSQLState(), first.getErrorCode(), reported, first);
            }
            case UNTIL_FAILURE -> {
                if (prepared) {
                    return first; // sqlite-jdbc: the failing item's own exception, unchanged
                }
                reported = new int[counts.length];
                for (int i = 0; i < ran - 1; i++) reported[i] = (int) counts[i];
                // sqlite-jdbc gives no SQLState nor vendor code here; a refusal by the ledger keeps its 0A000
                e = new BatchUpdateException("batch entry " + (ran - 1) + ": " + first.getMessage(), first.getSQLState(), 0,
                        reported, first);
            }
            default -> {
                reported = new int[counts.length];
                for (int i = 0; i < counts.length; i++) reported[i] = (int) counts[i];
                e = new BatchUpdateException(first.getMessage(), first.getSQLState(), first.getErrorCode(), reported, first);
                for (SQLException next : errors.subList(1, errors.size())) e.setNextException(next);
            }
        }
        return e;
    }
}
