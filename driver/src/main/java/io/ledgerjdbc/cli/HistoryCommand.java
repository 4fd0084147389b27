package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
                "The row is followed through changes of its key. Changed columns are highlighted on a terminal."})
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
        try (Connection c = connection.open(url)) {
            LedgerSchema.checkVersion(c);
            Set<Row> tracked = new HashSet<>();
            LedgerStore.of(c).scan(c, 1, stored -> {
                LedgerEntry e;
                try {
                    e = EntryCodec.decode(stored.entry());
                } catch (RuntimeException malformed) {
                    return; // verify reports it; history shows what can be read
                }
                for (Change ch : e.changes()) {
                    if (ch instanceof RowChange rc && sameTable(rc.table()) && (tracked.contains(rc.key()) || matches(rc.key(), parts))) {
                        hits.add(new Hit(e, rc));
                        tracked.add(rc.key());
                        if (rc.op() == Operation.UPDATE) {
                            tracked.add(keyAfter(rc)); // follow the row if its key changed
                        }
                    }
                }
            });
        }
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

    /** Whether the ledger's table name names the table asked for: case-insensitive, schema optional on either side. */
    private boolean sameTable(String ledgerName) {
        String a = ledgerName.toLowerCase(Locale.ROOT);
        String b = table.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
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

    /** Columns whose values differ between the images (all of the present one's for INSERT and DELETE). */
    private static Set<String> changedColumns(RowChange rc) {
        Set<String> out = new TreeSet<>();
        Row before = rc.before();
        Row after = rc.after();
        if (before == null || after == null) {
            out.addAll((after != null ? after : before).names());
            return out;
        }
        out.addAll(before.names());
        out.addAll(after.names());
        out.removeIf(n -> before.get(n) != null && before.get(n).equals(after.get(n)));
        return out;
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
                List<String> cols = new ArrayList<>();
                for (String n : changedColumns(rc)) {
                    Value b = rc.before().get(n);
                    Value a = rc.after().get(n);
                    cols.add(style.changed(n) + ": " + (b == null ? "-" : b) + " → " + (a == null ? "-" : a));
                }
                line.append(cols.isEmpty() ? "(no column changed)" : String.join(", ", cols));
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
                RowChange rc = h.change();
                g.writeStartObject();
                g.writeNumberField("seq", h.entry().seq());
                g.writeStringField("time", h.entry().commitTime().toString());
                g.writeStringField("node", h.entry().originNode());
                g.writeStringField("txId", h.entry().txId());
                g.writeStringField("op", rc.op().name());
                g.writeStringField("table", rc.table());
                EntryFormat.row(g, "key", rc.key());
                EntryFormat.row(g, "before", rc.before());
                EntryFormat.row(g, "after", rc.after());
                g.writeArrayFieldStart("changed");
                for (String n : changedColumns(rc)) {
                    g.writeString(n);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        }
        out.println();
    }
}
