package io.ledgerjdbc.driver.jdbc;

/** One element of a batch: its SQL and, for a PreparedStatement, its parameters. */
public record BatchItem(String sql, Params params) {
}
