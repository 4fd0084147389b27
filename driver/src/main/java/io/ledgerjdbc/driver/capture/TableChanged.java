package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLException;

/**
 * The table's columns are not those capture knows: another process (or connection outside the driver) changed
 * the table since its metadata was cached. Capture reads rows with {@code SELECT *} and compares the columns it
 * gets with the cached ones, so a column added behind the driver's back can never be left out of a row image.
 * SQLState 40001: the transaction can be retried once the metadata is reloaded.
 */
public final class TableChanged extends SQLException {

    TableChanged(TableInfo t, String detail) {
        super("LedgerJDBC: the columns of " + t.ledgerName() + " changed behind the driver (" + detail
                + "); its metadata was reloaded, roll back and retry", SqlStates.SERIALIZATION_FAILURE);
    }
}
