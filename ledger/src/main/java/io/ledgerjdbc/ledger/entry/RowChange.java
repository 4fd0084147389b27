package io.ledgerjdbc.ledger.entry;

import java.util.Objects;

/**
 * A change to one row of one table, keyed by its primary key (or, for a table without one, by the whole row:
 * then {@code key} holds every column of the before image, or of the after image for an insert).
 * An INSERT has only an after image, a DELETE only a before image, an UPDATE both; the before image of an
 * UPDATE is keyed by the old key if the key changed, and {@code key} names the row as it was before.
 *
 * @param table  the table's name as the capturing driver names it (schema-qualified where it has one)
 * @param before the row as it was (null for INSERT)
 * @param after  the row as it became (null for DELETE)
 */
public record RowChange(String table, Operation op, Row key, Row before, Row after) implements Change {

    public RowChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(key, "key");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("table name is empty");
        }
        if (Value.firstUnpairedSurrogate(table) >= 0) {
            throw new IllegalArgumentException("table name has an unpaired surrogate: " + table);
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a row change needs a key of at least one column");
        }
        if (op.hasBefore != (before != null)) {
            throw new IllegalArgumentException(op + (op.hasBefore ? " needs" : " must not have") + " a before image");
        }
        if (op.hasAfter != (after != null)) {
            throw new IllegalArgumentException(op + (op.hasAfter ? " needs" : " must not have") + " an after image");
        }
    }

    public static RowChange insert(String table, Row key, Row after) {
        return new RowChange(table, Operation.INSERT, key, null, after);
    }

    public static RowChange update(String table, Row key, Row before, Row after) {
        return new RowChange(table, Operation.UPDATE, key, before, after);
    }

    public static RowChange delete(String table, Row key, Row before) {
        return new RowChange(table, Operation.DELETE, key, before, null);
    }
}
