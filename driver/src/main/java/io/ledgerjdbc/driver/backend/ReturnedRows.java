package io.ledgerjdbc.driver.backend;

/** What a write statement can return of the rows it changed (see {@link Backend#updateReturns}). */
public enum ReturnedRows {
    /** Nothing: capture reads the rows itself. */
    NOTHING,
    /** The whole rows, as stored ({@code RETURNING *}). */
    WHOLE_ROWS,
    /** The primary-key columns only, in key order. */
    KEY_COLUMNS
}
