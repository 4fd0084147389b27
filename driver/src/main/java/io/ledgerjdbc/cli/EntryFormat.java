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
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

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

    static void entry(JsonGenerator g, LedgerEntry e) throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", e.seq());
        g.writeStringField("origin", e.originNode());
        g.writeStringField("commitTime", e.commitTime().toString());
        g.writeStringField("txId", e.txId());
        g.writeArrayFieldStart("changes");
        for (Change c : e.changes()) {
            g.writeStartObject();
            if (c instanceof RowChange rc) {
                g.writeStringField("op", rc.op().name());
                g.writeStringField("table", rc.table());
                row(g, "key", rc.key());
                row(g, "before", rc.before());
                row(g, "after", rc.after());
            } else if (c instanceof DdlChange ddl) {
                g.writeStringField("op", "DDL");
                g.writeStringField("object", ddl.object());
                g.writeStringField("sql", ddl.sql());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
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
