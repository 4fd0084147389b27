package io.ledgerjdbc.ledger.entry;

import java.util.Objects;

/**
 * A schema change, recorded as the statement text that was executed and the object it names.
 *
 * @param object the object the statement creates, alters or drops (table, index, view, ...), as written
 * @param sql    the statement exactly as executed
 */
public record DdlChange(String object, String sql) implements Change {

    public DdlChange {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(sql, "sql");
        if (sql.isEmpty()) {
            throw new IllegalArgumentException("DDL text is empty");
        }
        if (Value.firstUnpairedSurrogate(object) >= 0 || Value.firstUnpairedSurrogate(sql) >= 0) {
            throw new IllegalArgumentException("DDL text has an unpaired surrogate");
        }
    }
}
