package io.ledgerjdbc.driver.jdbc;

import java.sql.SQLException;

/** A call into the real driver. */
@FunctionalInterface
public interface RealCall<T> {

    T call() throws SQLException;
}
