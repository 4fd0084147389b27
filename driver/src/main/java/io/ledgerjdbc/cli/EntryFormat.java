package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.StoredEntry;
import io.ledgerjdbc.ledger.verify.Finding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** How the commands show entries, rows and values: text lines for people, JSON for machines. */
final class EntryFormat {

    private EntryFormat() {
    }

    /** A value as text without quotes or truncation: what a person compares. */
    static String plain(Value v) {
        return switch (v.type()) {
            case TEXT -> ((Value.Text) v).value();
            case BYTES -> "X'" + HexFormat.of().formatHex(((Value.Bytes) v).value()) + "'";
            default -> v.toString();
        };
    }

    /** Whether the ledger's table name names the table asked for: case-insensitive, quotes ignored, schema optional on either side. */
    static boolean sameTable(String asked, String ledgerName) {
        String a = ledgerName.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
        String b = asked.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    /** Columns whose values differ between the images (all of the present one's for INSERT and DELETE). */
    static Set<String> changedColumns(RowChange rc) {
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

    /**
     * One change as a line for people: {@code INSERT accounts {id=2} → {…}}, {@code UPDATE accounts {id=2}: balance
     * 100 → 75} (only the changed columns, each through {@code style}), {@code DELETE accounts {id=3} was {…}},
     * {@code DDL CREATE TABLE …}.
     */
    static String change(Change c, Style style) {
        if (c instanceof DdlChange ddl) {
            return "DDL " + ddl.sql().strip().replaceAll("\\s+", " ");
        }
        RowChange rc = (RowChange) c;
        String head = rc.op() + " " + rc.table() + " " + rc.key();
        return switch (rc.op()) {
            case INSERT -> head + " → " + rc.after();
            case DELETE -> head + " was " + rc.before();
            case UPDATE -> head + ": " + columnChanges(rc, style);
        };
    }

    /** {@code balance: 100 → 75, owner: 'ann' → 'bob'}: the columns an UPDATE changed. */
    static String columnChanges(RowChange rc, Style style) {
        List<String> cols = new ArrayList<>();
        for (String n : changedColumns(rc)) {
            Value b = rc.before().get(n);
            Value a = rc.after().get(n);
            cols.add(style.changed(n) + ": " + (b == null ? "-" : b) + " → " + (a == null ? "-" : a));
        }
        return cols.isEmpty() ? "(no column changed)" : String.join(", ", cols);
    }

    /** The header line of an entry: {@code seq 12  2026-…Z  node A  tx …}. */
    static String header(LedgerEntry e) {
        return "seq " + e.seq() + "  " + e.commitTime() + "  node " + e.originNode() + "  tx " + e.txId();
    }

    /** Lines describing a stored entry (or why it cannot be shown). */
    static List<String> lines(StoredEntry stored) {
        List<String> out = new ArrayList<>();
        if (stored == null) {
            out.add("(no entry)");
            return out;
        }
        LedgerEntry e;
        try {
            e = EntryCodec.decode(stored.entry());
        } catch (RuntimeException malformed) {
            out.add("seq " + stored.seq() + ": undecodable (" + (stored.entry() == null ? 0 : stored.entry().length) + " bytes)");
            return out;
        }
        out.add("seq " + e.seq() + "  " + e.commitTime());
        out.add("node " + e.originNode() + "  tx " + e.txId());
        out.add("leaf " + (stored.leafHash() == null ? "NULL" : HexFormat.of().formatHex(stored.leafHash())).substring(0, 16) + "…");
        for (Change c : e.changes()) {
            if (c instanceof RowChange rc) {
                out.add(rc.op() + " " + rc.table() + " " + rc.key());
                if (rc.after() != null) {
                    out.add("  " + rc.after());
                } else {
                    out.add("  " + rc.before());
                }
            } else if (c instanceof DdlChange ddl) {
                out.add("DDL " + ddl.sql());
            }
        }
        return out;
    }

    static void row(JsonGenerator g, String field, Row row) throws IOException {
        if (row == null) {
            return;
        }
        g.writeObjectFieldStart(field);
        for (int i = 0; i < row.size(); i++) {
            g.writeFieldName(row.name(i));
            value(g, row.value(i));
        }
        g.writeEndObject();
    }

    /** Integers, booleans and finite floats as JSON numbers and booleans; everything else as its exact text. */
    static void value(JsonGenerator g, Value v) throws IOException {
        switch (v.type()) {
            case NULL -> g.writeNull();
            case INTEGER -> g.writeNumber(((Value.Int) v).value());
            case BOOLEAN -> g.writeBoolean(((Value.Bool) v).value());
            case FLOAT -> {
                double d = ((Value.Float) v).value();
                if (Double.isFinite(d)) g.writeNumber(d); else g.writeString(Double.toString(d));
            }
            default -> g.writeString(plain(v));
        }
    }

    /** An entry as JSON: {@code {"seq","time","node","txId","changes":[…]}}, the same fields everywhere. */
    static void entry(JsonGenerator g, LedgerEntry e) throws IOException {
        g.writeStartObject();
        entryFields(g, e);
        g.writeArrayFieldStart("changes");
        for (Change c : e.changes()) {
            g.writeStartObject();
            changeFields(g, c);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The entry's own fields: seq, commit time, origin node, transaction id. */
    static void entryFields(JsonGenerator g, LedgerEntry e) throws IOException {
        g.writeNumberField("seq", e.seq());
        g.writeStringField("time", e.commitTime().toString());
        g.writeStringField("node", e.originNode());
        g.writeStringField("txId", e.txId());
    }

    /**
     * A change's fields: {@code op, table, key, before, after, changed} for a row (images as objects, absent when
     * there is none), {@code op: "DDL", object, sql} for a schema change.
     */
    static void changeFields(JsonGenerator g, Change c) throws IOException {
        if (c instanceof RowChange rc) {
            g.writeStringField("op", rc.op().name());
            g.writeStringField("table", rc.table());
            row(g, "key", rc.key());
            row(g, "before", rc.before());
            row(g, "after", rc.after());
            g.writeArrayFieldStart("changed");
            for (String n : changedColumns(rc)) {
                g.writeString(n);
            }
            g.writeEndArray();
        } else if (c instanceof DdlChange ddl) {
            g.writeStringField("op", "DDL");
            g.writeStringField("object", ddl.object());
            g.writeStringField("sql", ddl.sql());
        }
    }

    /**
     * A verification finding as JSON. The key and the rows of a state finding are objects (as in {@code history} and
     * {@code log}); what other findings expect and find (hashes in hex, counts) are strings.
     */
    static void finding(JsonGenerator g, Finding f) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", f.kind().name());
        if (f.seq() != null) g.writeNumberField("seq", f.seq());
        if (f.table() != null) g.writeStringField("table", f.table());
        Finding.Rows rows = f.rows();
        if (rows != null && rows.key() != null) row(g, "key", rows.key()); else if (f.key() != null) g.writeStringField("key", f.key());
        if (rows != null && rows.expected() != null) row(g, "expected", rows.expected());
        else if (f.expected() != null) g.writeStringField("expected", f.expected());
        if (rows != null && rows.found() != null) row(g, "found", rows.found()); else if (f.found() != null) g.writeStringField("found", f.found());
        if (f.detail() != null) g.writeStringField("detail", f.detail());
        g.writeEndObject();
    }

    /** A stored entry as JSON: decoded when it decodes, else its size and a note. */
    static void stored(JsonGenerator g, StoredEntry stored) throws IOException {
        if (stored == null) {
            g.writeNull();
            return;
        }
        try {
            entry(g, EntryCodec.decode(stored.entry()));
        } catch (RuntimeException malformed) {
            g.writeStartObject();
            g.writeNumberField("seq", stored.seq());
            g.writeStringField("error", "undecodable entry: " + malformed.getMessage());
            g.writeEndObject();
        }
    }

    /** Two columns of lines side by side, the left padded to {@code width}. */
    static List<String> sideBySide(String titleA, List<String> a, String titleB, List<String> b, int width) {
        List<String> out = new ArrayList<>();
        out.add(pad(titleA, width) + " | " + titleB);
        out.add("-".repeat(width) + "-+-" + "-".repeat(Math.min(width, 60)));
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String l = i < a.size() ? a.get(i) : "";
            String r = i < b.size() ? b.get(i) : "";
            out.add(pad(l, width) + (l.equals(r) ? " | " : " ≠ ") + r);
        }
        return out;
    }

    private static String pad(String s, int width) {
        if (s.length() > width) {
            return s.substring(0, width - 1) + "…";
        }
        return s + " ".repeat(width - s.length());
    }
}
