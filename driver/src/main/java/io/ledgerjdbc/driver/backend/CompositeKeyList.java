package io.ledgerjdbc.driver.backend;

/** How a read of several rows by a composite primary key lists the keys so that the database uses the key's index. */
public enum CompositeKeyList {
    /** {@code (k1 = ? AND k2 = ?) OR …} */
    OR_OF_ANDS,
    /** {@code (k1, k2) IN ((?, ?), …)}: H2 scans the table for an OR of ANDs (9 ms at 200,000 rows, this form 0.26 ms). */
    ROW_VALUES,
    /**
     * {@code (k1, k2) IN (VALUES (?, ?), …)}: PostgreSQL joins the list with the index; its plan for an OR of 64 key
     * conditions cost 1.5 ms in execution in TPC-C's load, where this form costs about a tenth. Only for keys of
     * types its values are compared alike in (see PostgresBackend#compositeKeyList).
     */
    VALUES_LIST
}
