package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.Ddl;
import io.ledgerjdbc.driver.sql.Analysis.DdlKind;
import io.ledgerjdbc.driver.sql.Analysis.TableRef;

import static io.ledgerjdbc.driver.sql.SqlKeywords.upper;

/**
 * Classifies DDL from its tokens without parsing it: Calcite's parsers do not accept most DDL of the four databases
 * (vendor column types, options, {@code IF NOT EXISTS} forms), and
 * capture only needs to know which object and which table a schema change is about; the statement itself is
 * executed and recorded as written.
 */
final class DdlClassifier {

    private DdlClassifier() {
    }

    /**
     * CREATE TRIGGER / FUNCTION / PROCEDURE / …: refused before the multiple-statements check, because their
     * bodies usually hold semicolons and "CREATE TRIGGER" is the more useful answer. Null when not such a statement.
     */
    static Analysis routineRefusal(SqlSource s, int first) {
        if (!s.is(first, "CREATE")) return null;
        int kind = objectKind(s, first + 1);
        if (kind < 0) return null;
        String word = upper(s, kind);
        return SqlKeywords.ROUTINES.contains(word) ? Refusals.routine(word) : null;
    }

    static Analysis classify(SqlSource s, int first) {
        String verb = upper(s, first);
        return switch (verb) {
            case "CREATE" -> create(s, first);
            case "DROP" -> drop(s, first);
            case "ALTER" -> alter(s, first);
            case "RENAME" -> rename(s, first);
            case "COMMENT" -> s.is(first + 1, "ON") ? other(s, first + 3) : Refusals.of(Refusals.UNRECOGNISED);
            default -> new Ddl(DdlKind.OTHER, null, null); // GRANT, REVOKE
        };
    }

    /** The index of the object-kind word (TABLE, INDEX, …) after the modifiers, or -1. */
    private static int objectKind(SqlSource s, int k) {
        for (; k < s.size() && s.depth(k) == 0 && !s.isOp(k, "("); k++) {
            if (SqlKeywords.in(s, k, SqlKeywords.OBJECT_KINDS)) return k;
        }
        return -1;
    }

    /** The index after {@code words} when they all follow at {@code k}, else {@code k}. */
    private static int skipIf(SqlSource s, int k, String... words) {
        for (int i = 0; i < words.length; i++) {
            if (!s.is(k + i, words[i])) return k;
        }
        return k + words.length;
    }

    private static Analysis create(SqlSource s, int first) {
        int k = objectKind(s, first + 1);
        if (k < 0) return new Ddl(DdlKind.OTHER, null, null);
        String kind = upper(s, k);
        return switch (kind) {
            case "TABLE" -> createTable(s, k);
            case "INDEX" -> createIndex(s, k);
            case "VIEW" -> s.is(k - 1, "MATERIALIZED") ? other(s, k + 1) : view(s, k, DdlKind.CREATE_VIEW);
            default -> SqlKeywords.ROUTINES.contains(kind) ? Refusals.routine(kind) : other(s, k + 1);
        };
    }

    private static Analysis createTable(SqlSource s, int k) {
        int j = skipIf(s, k + 1, "IF", "NOT", "EXISTS");
        TableNames.Found t = TableNames.at(s, j);
        if (t == null) return Refusals.of(Refusals.UNRECOGNISED);
        Analysis bad = checkTable(t);
        if (bad != null) return bad;
        // H2's CREATE TABLE t (column definitions) AS SELECT …: the table it makes is exactly the CREATE TABLE
        // before AS, and its rows are read back and recorded as the new table's first rows (as adoption does).
        // Recorded so, replay creates the table and inserts the recorded rows. (Flyway makes its history table so.)
        if (s.has(io.ledgerjdbc.driver.backend.Syntax.CREATE_TABLE_COLUMNS_AS_SELECT) && s.isOp(t.end(), "(")) {
            int close = s.closing(t.end());
            if (close > 0 && s.is(close + 1, "AS") && s.is(close + 2, "SELECT")) {
                return new Ddl(DdlKind.CREATE_TABLE, t.text(), t.ref(), s.text(0, close));
            }
        }
        // CREATE TABLE … AS SELECT (or MariaDB's CREATE TABLE … SELECT) fills the table with rows nobody captures.
        for (int i = t.end(); i < s.size(); i++) {
            if (s.depth(i) == 0 && (s.is(i, "AS") || s.is(i, "SELECT"))) return Refusals.of(Refusals.CREATE_TABLE_AS);
        }
        return new Ddl(DdlKind.CREATE_TABLE, t.text(), t.ref());
    }

    private static Analysis createIndex(SqlSource s, int k) {
        if (s.is(k + 1, "CONCURRENTLY")) return Refusals.of(Refusals.INDEX_CONCURRENTLY);
        int j = k + 1;
        j = skipIf(s, j, "IF", "NOT", "EXISTS");
        String object = null;
        if (!s.is(j, "ON")) {
            TableNames.Found name = TableNames.at(s, j);
            if (name == null) return Refusals.of(Refusals.UNRECOGNISED);
            if (TableNames.isLedger(TableNames.lastPart(s, name.end()))) return Refusals.of(Refusals.LEDGER_TABLE);
            object = name.text();
            j = name.end();
        }
        while (j < s.size() && !(s.depth(j) == 0 && s.is(j, "ON"))) j++; // MariaDB allows USING BTREE before ON
        TableNames.Found t = TableNames.at(s, skipIf(s, j + 1, "ONLY"));
        if (t == null) return new Ddl(DdlKind.CREATE_INDEX, object, null);
        Analysis bad = checkTable(t);
        return bad != null ? bad : new Ddl(DdlKind.CREATE_INDEX, object, t.ref());
    }

    private static Analysis view(SqlSource s, int k, DdlKind kind) {
        int j = kind == DdlKind.CREATE_VIEW ? skipIf(s, k + 1, "IF", "NOT", "EXISTS") : skipIf(s, k + 1, "IF", "EXISTS");
        TableNames.Found v = TableNames.at(s, j);
        if (v == null) return Refusals.of(Refusals.UNRECOGNISED);
        if (TableNames.isLedger(TableNames.lastPart(s, v.end()))) return Refusals.of(Refusals.LEDGER_TABLE);
        if (kind == DdlKind.DROP_VIEW && s.isOp(v.end(), ",")) return Refusals.of(Refusals.SEVERAL_OBJECTS);
        return new Ddl(kind, v.text(), null);
    }

    /** OTHER: the object is the name after the kind word (and IF [NOT] EXISTS), when there is one. */
    private static Analysis other(SqlSource s, int j) {
        j = skipIf(s, j, "IF", "NOT", "EXISTS");
        j = skipIf(s, j, "IF", "EXISTS");
        TableNames.Found name = TableNames.at(s, j);
        return new Ddl(DdlKind.OTHER, name == null ? null : name.text(), null);
    }

    private static Analysis drop(SqlSource s, int first) {
        int k = objectKind(s, first + 1);
        if (k < 0) return new Ddl(DdlKind.OTHER, null, null);
        String kind = upper(s, k);
        switch (kind) {
            case "TABLE": {
                TableNames.Found t = TableNames.at(s, skipIf(s, k + 1, "IF", "EXISTS"));
                if (t == null) return Refusals.of(Refusals.UNRECOGNISED);
                Analysis bad = checkTable(t);
                if (bad != null) return bad;
                if (s.isOp(t.end(), ",")) return Refusals.of(Refusals.SEVERAL_OBJECTS);
                return new Ddl(DdlKind.DROP_TABLE, t.text(), t.ref());
            }
            case "INDEX": {
                if (s.is(k + 1, "CONCURRENTLY")) return Refusals.of(Refusals.INDEX_CONCURRENTLY);
                int j = k + 1;
                TableNames.Found name = TableNames.at(s, skipIf(s, j, "IF", "EXISTS"));
                if (name == null) return Refusals.of(Refusals.UNRECOGNISED);
                if (TableNames.isLedger(TableNames.lastPart(s, name.end()))) return Refusals.of(Refusals.LEDGER_TABLE);
                if (s.isOp(name.end(), ",")) return Refusals.of(Refusals.SEVERAL_OBJECTS);
                TableRef table = null;
                if (s.is(name.end(), "ON")) { // MariaDB: DROP INDEX i ON t
                    TableNames.Found t = TableNames.at(s, name.end() + 1);
                    if (t != null) {
                        Analysis bad = checkTable(t);
                        if (bad != null) return bad;
                        table = t.ref();
                    }
                }
                return new Ddl(DdlKind.DROP_INDEX, name.text(), table);
            }
            case "VIEW":
                return s.is(k - 1, "MATERIALIZED") ? other(s, k + 1) : view(s, k, DdlKind.DROP_VIEW);
            default:
                return other(s, k + 1);
        }
    }

    private static Analysis alter(SqlSource s, int first) {
        int k = objectKind(s, first + 1);
        if (k < 0) return new Ddl(DdlKind.OTHER, null, null);
        if (!s.is(k, "TABLE")) return other(s, k + 1);
        int j = skipIf(s, skipIf(s, k + 1, "IF", "EXISTS"), "ONLY");
        TableNames.Found t = TableNames.at(s, j);
        if (t == null) return Refusals.of(Refusals.UNRECOGNISED);
        Analysis bad = checkTable(t);
        if (bad != null) return bad;
        // ALTER TABLE t RENAME [TO|AS] ledger_x would turn an application table into a ledger table.
        for (int i = t.end(); i < s.size(); i++) {
            if (s.depth(i) == 0 && s.is(i, "RENAME")) {
                int n = i + 1;
                if (s.is(n, "TO") || s.is(n, "AS")) n++;
                TableNames.Found target = TableNames.at(s, n);
                if (target != null && TableNames.isLedger(TableNames.lastPart(s, target.end()))) {
                    return Refusals.of(Refusals.LEDGER_TABLE);
                }
            }
        }
        return new Ddl(DdlKind.ALTER_TABLE, t.text(), t.ref());
    }

    /** MariaDB/H2 {@code RENAME TABLE a TO b}: an ALTER_TABLE of a. */
    private static Analysis rename(SqlSource s, int first) {
        if (!s.is(first + 1, "TABLE")) return other(s, first + 2);
        TableNames.Found from = TableNames.at(s, first + 2);
        if (from == null || !s.is(from.end(), "TO")) return Refusals.of(Refusals.UNRECOGNISED);
        TableNames.Found to = TableNames.at(s, from.end() + 1);
        if (to == null) return Refusals.of(Refusals.UNRECOGNISED);
        Analysis bad = checkTable(from);
        if (bad == null) bad = checkTable(to);
        if (bad != null) return bad;
        if (s.isOp(to.end(), ",")) return Refusals.of(Refusals.SEVERAL_OBJECTS);
        return new Ddl(DdlKind.ALTER_TABLE, from.text(), from.ref());
    }

    private static Analysis checkTable(TableNames.Found t) {
        if (t.threeParts()) return Refusals.of(Refusals.THREE_PART_NAME);
        if (TableNames.isLedger(t.ref().name())) return Refusals.of(Refusals.LEDGER_TABLE);
        return null;
    }
}
