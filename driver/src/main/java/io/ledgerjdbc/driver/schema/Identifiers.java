package io.ledgerjdbc.driver.schema;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.ledger.store.SqlDialect;

/** Quoting of exact identifiers (names as the metadata gives them) in the driver's own SQL. */
public final class Identifiers {

    private Identifiers() {
    }

    public static String quote(SqlDialect dialect, String identifier) {
        return Backend.of(dialect).quote(identifier);
    }
}
