package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLFeatureNotSupportedException;

/**
 * A write names a table the database's metadata does not list. Usually the table does not exist, and the caller
 * should see the database's own error for the statement (42P01, 42S02, 42102, SQLITE_ERROR …), not a refusal: the
 * session runs the statement under a savepoint to get it. Only if the statement then succeeds (a table the metadata
 * does not show, e.g. a temporary one) does this refusal (0A000) reach the caller, with the statement undone.
 */
public final class NoSuchTable extends SQLFeatureNotSupportedException {

    NoSuchTable(Analysis.TableRef ref) {
        super("cannot capture a write to " + (ref.schema() == null ? "" : ref.schema() + ".") + ref.name()
                + ": the driver finds no such table in the database's metadata", SqlStates.FEATURE_NOT_SUPPORTED);
    }
}
