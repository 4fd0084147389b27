package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLException;

/**
 * Capture could not establish exactly which rows a write changed, because another transaction changed the rows
 * its WHERE selects between capture's read and the write (SQLState 40001). Unlike the database's own 40001 it says
 * nothing about the application's transaction: in autocommit mode, where the statement is its own transaction,
 * the session rolls it back and runs it again (see LedgerSession), as the raw statement would have run a moment
 * later.
 */
public final class CaptureConflict extends SQLException {

    CaptureConflict(String message) {
        super(message, SqlStates.SERIALIZATION_FAILURE);
    }
}
