package io.ledgerjdbc.driver.verify;

import io.ledgerjdbc.driver.sql.Analysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table name as the ledger mentions it: exact in row changes ({@code name} or {@code schema.name} as the
 * metadata spells them), as written in DDL ({@code "My Table"}, {@code `t`}, {@code s.t}). The state check
 * needs one identity for all spellings of a table, so {@link #identity} drops quotes, lowercases and fills in
 * the default schema: two tables whose names differ only in case count as one.
 */
record TableName(String schema, String name, boolean quoted) {

    /** A name in a row change: the parts are exact. */
    static TableName ofLedger(String ledgerName) {
        int dot = ledgerName.indexOf('.');
        return dot < 0 ? new TableName(null, ledgerName, true)
                : new TableName(ledgerName.substring(0, dot), ledgerName.substring(dot + 1), true);
    }

    /** A name as written in DDL, or null when it is not one or two (possibly quoted) parts. */
    static TableName ofWritten(String text) {
        List<String> parts = new ArrayList<>();
        boolean lastQuoted = false;
        StringBuilder part = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            char close = c == '"' ? '"' : c == '`' ? '`' : c == '[' ? ']' : 0;
            if (close != 0) {
                int end = i + 1;
                while (end < text.length()) {
                    if (text.charAt(end) == close) {
                        if (end + 1 < text.length() && text.charAt(end + 1) == close) {
                            part.append(close);
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    part.append(text.charAt(end++));
                }
                i = end + 1;
                lastQuoted = true;
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
                lastQuoted = false;
                i++;
            } else if (!Character.isWhitespace(c)) {
                part.append(c);
                i++;
            } else {
                i++;
            }
        }
        parts.add(part.toString());
        if (parts.size() > 2 || parts.stream().anyMatch(String::isEmpty)) {
            return null;
        }
        return parts.size() == 1 ? new TableName(null, parts.get(0), lastQuoted)
                : new TableName(parts.get(0), parts.get(1), lastQuoted);
    }

    /** One key for every spelling of this table, with {@code defaultSchema} (or "") for an unqualified name. */
    String identity(String defaultSchema) {
        String s = schema != null ? schema : defaultSchema == null ? "" : defaultSchema;
        return s.toLowerCase(Locale.ROOT) + "\u0000" + name.toLowerCase(Locale.ROOT);
    }

    /** How to look the table up in the database's metadata. */
    Analysis.TableRef ref() {
        return new Analysis.TableRef(schema, name, quoted);
    }

    /** As the ledger would print it. */
    String display() {
        return schema == null ? name : schema + "." + name;
    }
}
