package io.ledgerjdbc.driver.schema;

import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLFeatureNotSupportedException;

/**
 * A write names no table capture can see: one the database's metadata does not list, or a view. Usually the
 * database rejects such a write itself (42P01, 42S02, 42102, SQLITE_ERROR; a view that cannot be updated), and the
 * caller should see that error, not a refusal: the session runs the statement under a savepoint to get it. Only if
 * the statement then succeeds (a table the metadata does not show, e.g. a temporary one; an updatable view, whose
 * rows change in its base tables) does this refusal (0A000) reach the caller, with the statement undone.
 */
public final class NotATable extends SQLFeatureNotSupportedException {

    private NotATable(String message) {
        super(message, SqlStates.FEATURE_NOT_SUPPORTED);
    }

    static NotATable missing(Analysis.TableRef ref) {
        return new NotATable("cannot capture a write to " + name(ref) + ": the driver finds no such table in the database's metadata");
    }

    static NotATable view(Analysis.TableRef ref) {
        return new NotATable("LedgerJDBC refuses a write through view " + name(ref) + ": its rows change in its base tables, "
                + "which the ledger records by their own names; write to the base tables");
    }

    private static String name(Analysis.TableRef ref) {
        return (ref.schema() == null ? "" : ref.schema() + ".") + ref.name();
    }
}
