package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Every recorded change to one row, oldest first: seq, time, node, operation, before → after.",
                "The row is followed through changes of its key. Changed columns are highlighted on a terminal.",
                "A table the ledger never recorded, or a key column it does not have, is an error (exit code 2)."})
final class HistoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    LedgerCli cli;

    @Parameters(index = "0", paramLabel = "URL", description = "jdbc:ledger:... or the raw jdbc:... URL of the database.")
    String url;

    @Parameters(index = "1", paramLabel = "TABLE", description = "The table (as the application names it; case does not matter).")
    String table;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "KEY",
            description = "The row's primary key: COLUMN=VALUE for each key column, or just VALUE for a one-column key.")
    List<String> key;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print one JSON document: the table, the key and the changes.")
    boolean json;

    @Mixin
    Verbosity verbosity;

    /** One key column as given: its name (null for a bare value) and value text. */
    private record KeyPart(String column, String value) {
    }

    /** One change to the row, with its entry. */
    private record Hit(LedgerEntry entry, RowChange change) {
    }

    @Override
    public Integer call() throws Exception {
        List<KeyPart> parts = parseKey();
        List<Hit> hits = new ArrayList<>();
        Set<String> tables = new TreeSet<>(String.CASE_INSENSITIVE_ORDER); // what the ledger records, for the error
        Set<String> keyColumns = new LinkedHashSet<>(); // the table's key columns as the ledger has them
        boolean[] known = {false};
        try (Connection c = connection.openLedger(url)) {
            Set<Row> tracked = new HashSet<>();
            LedgerStore.of(c).scan(c, 1, stored -> {
                LedgerEntry e;
                try {
                    e = EntryCodec.decode(stored.entry());
                } catch (RuntimeException malformed) {
                    return; // verify reports it; history shows what can be read
                }
                for (Change ch : e.changes()) {
                    String name = ch instanceof RowChange rc ? rc.table() : ((DdlChange) ch).object();
                    if (tables.size() < 1000) tables.add(name);
                    if (!EntryFormat.sameTable(table, name)) continue;
                    known[0] = true;
                    if (!(ch instanceof RowChange rc)) continue;
                    if (keyColumns.isEmpty()) keyColumns.addAll(rc.key().names());
                    if (tracked.contains(rc.key()) || matches(rc.key(), parts)) {
                        hits.add(new Hit(e, rc));
                        tracked.add(rc.key());
                        if (rc.op() == Operation.UPDATE) {
                            tracked.add(keyAfter(rc)); // follow the row if its key changed
                        }
                    }
                }
            });
        }
        if (!known[0]) {
            throw new UserError("the ledger records no table " + table + (tables.isEmpty() ? " (it records no table yet)"
                    : " (it records " + String.join(", ", tables) + ")"));
        }
        checkKeyColumns(parts, keyColumns);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, hits);
        } else {
            printText(out, hits);
        }
        return LedgerCli.CLEAN;
    }

    private List<KeyPart> parseKey() {
        List<KeyPart> parts = new ArrayList<>();
        for (String k : key) {
            int eq = k.indexOf('=');
            parts.add(eq > 0 ? new KeyPart(k.substring(0, eq), k.substring(eq + 1)) : new KeyPart(null, k));
        }
        if (parts.size() > 1 && parts.stream().anyMatch(p -> p.column() == null)) {
            throw new ParameterException(spec.commandLine(), "a key of several columns is given as COLUMN=VALUE for each, not '"
                    + String.join(" ", key) + "'");
        }
        return parts;
    }

    /** A key given with column names the table's key does not have matches nothing: say so rather than "no change". */
    private void checkKeyColumns(List<KeyPart> parts, Set<String> keyColumns) throws UserError {
        if (keyColumns.isEmpty()) {
            return; // only DDL recorded: no row has a history yet
        }
        String columns = String.join(", ", keyColumns);
        if (parts.size() != keyColumns.size()) {
            throw new UserError(table + "'s key is (" + columns + "): give " + (keyColumns.size() == 1 ? "one value"
                    : "COLUMN=VALUE for each of its " + keyColumns.size() + " columns") + ", not '" + String.join(" ", key) + "'");
        }
        for (KeyPart p : parts) {
            if (p.column() != null && keyColumns.stream().noneMatch(k -> k.equalsIgnoreCase(p.column()))) {
                throw new UserError(p.column() + " is not a key column of " + table + ": its key is (" + columns + ")");
            }
        }
    }

    private static boolean matches(Row key, List<KeyPart> parts) {
        if (parts.size() != key.size()) {
            return false;
        }
        for (KeyPart p : parts) {
            Value v = null;
            if (p.column() == null) {
                v = key.value(0);
            } else {
                for (int i = 0; i < key.size(); i++) {
                    if (key.name(i).equalsIgnoreCase(p.column())) {
                        v = key.value(i);
                    }
                }
            }
            if (v == null || !EntryFormat.plain(v).equals(p.value())) {
                return false;
            }
        }
        return true;
    }

    private static Row keyAfter(RowChange rc) {
        Row.Builder b = Row.builder();
        for (String n : rc.key().names()) {
            Value v = rc.after().get(n);
            b.put(n, v != null ? v : rc.key().get(n));
        }
        return b.build();
    }

    private void printText(PrintWriter out, List<Hit> hits) {
        Style style = cli != null ? cli.style() : Style.PLAIN;
        if (hits.isEmpty()) {
            out.println("no entry records a change to " + table + " " + String.join(" ", key));
            return;
        }
        for (Hit h : hits) {
            RowChange rc = h.change();
            StringBuilder line = new StringBuilder();
            line.append(String.format("seq %-6d %s  node %s  %-6s ", h.entry().seq(), h.entry().commitTime(), h.entry().originNode(), rc.op()));
            if (rc.op() == Operation.UPDATE) {
                line.append(EntryFormat.columnChanges(rc, style));
            } else {
                line.append(rc.op() == Operation.INSERT ? "→ " + rc.after() : rc.before() + " →");
            }
            out.println(line);
        }
        out.println(hits.size() + " change" + (hits.size() == 1 ? "" : "s"));
    }

    private void printJson(PrintWriter out, List<Hit> hits) throws Exception {
        try (JsonGenerator g = JsonOut.generator(out)) {
            g.writeStartObject();
            g.writeStringField("table", table);
            g.writeArrayFieldStart("key");
            for (String k : key) {
                g.writeString(k);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("changes");
            for (Hit h : hits) {
                g.writeStartObject();
                EntryFormat.entryFields(g, h.entry());
                EntryFormat.changeFields(g, h.change());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        }
        out.println();
    }
}
