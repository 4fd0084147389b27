package io.ledgerjdbc.driver.replay;

import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.EntryVisitor;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.FindingKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The state check, minimal form: rides on a verification pass as its {@link EntryVisitor}, folds every row
 * change into "what each ledgered table must contain" (key → row, with the seq that last touched it), then
 * compares that with the tables as they are. Holds the expected state in memory (one map entry per row);
 * the CLI's complete check streams instead.
 */
public final class StateCheck implements EntryVisitor {

    private record Expected(Row row, long seq) {
    }

    /**
     * Per table, key → the rows expected under it. A key is unique in a table with a primary key; a table
     * without one is keyed by the whole row, and equal rows may repeat: a multiset, one element per row.
     */
    private final Map<String, Map<Row, Deque<Expected>>> tables = new LinkedHashMap<>();

    @Override
    public void visit(LedgerEntry entry) {
        for (Change change : entry.changes()) {
            if (change instanceof RowChange rc) {
                Map<Row, Deque<Expected>> rows = tables.computeIfAbsent(rc.table(), t -> new HashMap<>());
                switch (rc.op()) {
                    case INSERT -> add(rows, rc.key(), new Expected(rc.after(), entry.seq()));
                    case UPDATE -> {
                        removeOne(rows, rc.key());
                        add(rows, keyLike(rc.key(), rc.after()), new Expected(rc.after(), entry.seq()));
                    }
                    case DELETE -> removeOne(rows, rc.key());
                }
            } else if (change instanceof DdlChange ddl && ddl.sql().strip().toUpperCase(java.util.Locale.ROOT).startsWith("DROP TABLE")) {
                tables.keySet().removeIf(t -> t.equalsIgnoreCase(ddl.object()));
            }
        }
    }

    private static void add(Map<Row, Deque<Expected>> rows, Row key, Expected e) {
        rows.computeIfAbsent(key, k -> new ArrayDeque<>(1)).add(e);
    }

    private static Expected removeOne(Map<Row, Deque<Expected>> rows, Row key) {
        Deque<Expected> d = rows.get(key);
        if (d == null) {
            return null;
        }
        Expected e = d.poll();
        if (d.isEmpty()) {
            rows.remove(key);
        }
        return e;
    }

    /** The key columns of {@code key}, with their values taken from {@code row} (the key after an update). */
    private static Row keyLike(Row key, Row row) {
        Row.Builder b = Row.builder();
        for (String name : key.names()) {
            b.put(name, row.get(name));
        }
        return b.build();
    }

    /** Compares the expected contents with the database's; one finding per differing row. */
    public int compare(Connection c, SqlDialect dialect, Consumer<Finding> sink) throws SQLException {
        int findings = 0;
        for (Map.Entry<String, Map<Row, Deque<Expected>>> table : tables.entrySet()) {
            Map<Row, Deque<Expected>> expected = new HashMap<>();
            table.getValue().forEach((k, d) -> expected.put(k, new ArrayDeque<>(d)));
            List<Row> actual = TableSnapshot.of(c, dialect, table.getKey());
            Row anyKey = expected.keySet().stream().findFirst().orElse(null);
            for (Row row : actual) {
                Row key = anyKey == null ? row : keyLike(anyKey, row);
                Expected e = removeOne(expected, key);
                if (e == null) {
                    sink.accept(new Finding(FindingKind.ROW_ADDED, null, table.getKey(), key.toString(), null, row.toString(),
                            "a row the ledger never recorded"));
                    findings++;
                } else if (!e.row().equals(row)) {
                    sink.accept(new Finding(FindingKind.ROW_CHANGED, e.seq(), table.getKey(), key.toString(), e.row().toString(),
                            row.toString(), "the row differs from the ledger's last image (seq " + e.seq() + ")"));
                    findings++;
                }
            }
            for (Map.Entry<Row, Deque<Expected>> missing : expected.entrySet()) {
                for (Expected e : missing.getValue()) {
                    sink.accept(new Finding(FindingKind.ROW_MISSING, e.seq(), table.getKey(), missing.getKey().toString(),
                            e.row().toString(), null, "a row the ledger says exists is gone"));
                    findings++;
                }
            }
        }
        return findings;
    }
}
