package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.ledger.store.SqlDialect;

/** Quoting of exact identifiers (names as the metadata gives them) in the driver's own SQL. */
public final class Identifiers {

    private Identifiers() {
    }

    public static String quote(SqlDialect dialect, String identifier) {
        return dialect == SqlDialect.MARIADB ? "`" + identifier.replace("`", "``") + "`"
                : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
