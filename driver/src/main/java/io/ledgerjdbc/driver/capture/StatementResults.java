package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.entry.Row;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What a write statement gave back once it ran, read by the session that holds its results (the application sees
 * the generated keys the raw driver shows, whatever capture took from them). Called by capture after the real call.
 */
public interface StatementResults {

    /** The generated key column of the {@code rows} rows an INSERT just made. */
    List<Row> generatedKeys(TableInfo table, int rows) throws SQLException;

    /** The whole rows an INSERT or UPDATE just made, as the statement returned them (PostgreSQL, keyless table). */
    List<Row> returnedRows(TableInfo table) throws SQLException;

    /** What an UPDATE or DELETE returned of the rows it changed (see {@link ChangedRows}). */
    ResultSet changedRows() throws SQLException;
}
