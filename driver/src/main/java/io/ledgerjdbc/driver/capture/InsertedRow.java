package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.jdbc.Params;
import java.util.List;

/**
 * One row an INSERT made with its whole key given, still to be read back (see {@link InsertReadBack}): its
 * table, the key expressions (parameters or literals) of its VALUES row, and the parameters as bound when it ran.
 */
public record InsertedRow(TableInfo table, List<Analysis.SqlExpr> keyExprs, Params params) {
}
