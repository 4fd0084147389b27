package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.backend.Syntax;

import java.util.ArrayList;
import java.util.List;

import static io.ledgerjdbc.driver.sql.SqlKeywords.upper;

/**
 * Reads the structure of INSERT … VALUES, UPDATE … SET … WHERE and DELETE FROM … WHERE from the tokens,
 * splitting at top-level commas and clause keywords. This is where the exact source span of each value comes
 * from (Calcite's positions do not cover whole expressions), and where the constructs capture refuses are
 * named — before Calcite, which cannot parse most of them and would only say "unparsable".
 *
 * <p>The token split is only trusted after Calcite has parsed the same statement and agreed on its shape.
 */
final class WriteParser {

    private WriteParser() {
    }

    static WriteShape parse(SqlSource s, int first) {
        String verb = upper(s, first);
        WriteShape w = new WriteShape(WriteShape.Verb.valueOf(verb));
        for (int i = first; i < s.size(); i++) {
            if (s.type(i) == SqlSource.NAMED_PARAM) return refuse(w, Refusals.NAMED_PARAMETER);
        }
        switch (w.verb) {
            case INSERT -> insert(s, first, w);
            case UPDATE -> update(s, first, w);
            case DELETE -> delete(s, first, w);
            case MERGE -> merge(s, first, w);
        }
        return w;
    }

    /** Whether a MERGE names a source ({@code USING}) at the top level: the standard form, not H2's MERGE … VALUES. */
    static boolean isMergeUsing(SqlSource s, int first) {
        for (int j = first + 1; j < s.size(); j++) {
            if (s.depth(j) == 0 && s.is(j, "USING")) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- MERGE

    /**
     * {@code MERGE INTO target [[AS] a] USING source [[AS] b [(cols)]] ON cond} followed by
     * {@code WHEN MATCHED [AND c] THEN UPDATE SET … | DELETE | DO NOTHING} and
     * {@code WHEN NOT MATCHED [AND c] THEN INSERT [(cols)] VALUES (…) | DO NOTHING} clauses.
     */
    private static void merge(SqlSource s, int first, WriteShape w) {
        int k = first + 1;
        if (!s.is(k, "INTO")) {
            unsupported(w, "expected MERGE INTO");
            return;
        }
        int afterTable = table(s, k + 1, w);
        if (afterTable < 0) return;
        w.targetName = new int[] {k + 1, afterTable - 1};
        k = afterTable;
        if (s.is(k, "AS")) k++;
        if (s.isName(k) && !s.is(k, "USING")) {
            w.targetAlias = new int[] {k, k};
            k++;
        }
        if (!s.is(k, "USING")) {
            unsupported(w, "expected USING after the MERGE target");
            return;
        }
        k++;
        if (s.isOp(k, "(")) {
            int close = s.closing(k);
            if (close < 0) {
                unsupported(w, "unclosed MERGE source");
                return;
            }
            w.source = new int[] {k, close};
            k = close + 1;
        } else {
            int end = s.nameEnd(k);
            if (end == k) {
                unsupported(w, "expected a table or a parenthesised query after USING");
                return;
            }
            w.source = new int[] {k, end - 1};
            k = end;
        }
        if (s.is(k, "AS")) k++;
        if (s.isName(k) && !s.is(k, "ON")) {
            int aliasEnd = k;
            if (s.isOp(k + 1, "(")) {
                aliasEnd = s.closing(k + 1);
                if (aliasEnd < 0) {
                    unsupported(w, "unclosed column list of the MERGE source alias");
                    return;
                }
            }
            w.sourceAlias = new int[] {k, aliasEnd};
            k = aliasEnd + 1;
        }
        if (!s.is(k, "ON")) {
            unsupported(w, "expected ON after the MERGE source");
            return;
        }
        int end = mergePartEnd(s, k + 1, false, false);
        if (end == k + 1) {
            unsupported(w, "empty ON condition");
            return;
        }
        w.on = new int[] {k + 1, end - 1};
        k = end;
        while (s.is(k, "WHEN")) {
            k = whenClause(s, k, w);
            if (k < 0) return;
        }
        if (w.clauses.isEmpty()) {
            unsupported(w, "a MERGE needs at least one WHEN clause");
        } else if (k < s.size()) {
            if (s.is(k, "RETURNING")) refuse(w, Refusals.RETURNING);
            else unsupported(w, "unexpected '" + s.text(k) + "' after the WHEN clauses");
        }
    }

    private static int whenClause(SqlSource s, int k, WriteShape w) {
        WriteShape.Clause c = new WriteShape.Clause();
        k++;
        c.matched = !s.is(k, "NOT");
        if (!c.matched) k++;
        if (!s.is(k, "MATCHED")) return unsupported(w, "expected MATCHED after WHEN");
        k++;
        if (s.is(k, "BY")) {
            refuse(w, Refusals.MERGE_BY_SOURCE);
            return -1;
        }
        if (s.is(k, "AND")) {
            int end = mergePartEnd(s, k + 1, false, true);
            if (end == k + 1 || !s.is(end, "THEN")) return unsupported(w, "expected THEN after the WHEN condition");
            c.condition = new int[] {k + 1, end - 1};
            k = end;
        }
        if (!s.is(k, "THEN")) return unsupported(w, "expected THEN in a WHEN clause");
        k++;
        if (s.is(k, "DO") && s.is(k + 1, "NOTHING")) {
            c.action = Analysis.MergeAction.NOTHING;
            k += 2;
        } else if (c.matched && s.is(k, "DELETE")) {
            c.action = Analysis.MergeAction.DELETE;
            k++;
        } else if (c.matched && s.is(k, "UPDATE") && s.is(k + 1, "SET")) {
            c.action = Analysis.MergeAction.UPDATE;
            k += 2;
            while (true) {
                int col = k;
                while (s.isName(col) && s.isOp(col + 1, ".") && s.isName(col + 2)) col += 2;
                if (!s.isName(col) || !s.isOp(col + 1, "=")) return unsupported(w, "each SET item must be column = expression");
                for (int i = k; i <= col; i += 2) w.identifiers.set(i);
                int end = mergePartEnd(s, col + 2, true, false);
                if (end == col + 2) return unsupported(w, "empty SET expression");
                c.setColumns.add(col);
                c.setValues.add(new int[] {col + 2, end - 1});
                w.wholeValues.add(new int[] {col + 2, end - 1});
                k = end;
                if (!s.isOp(k, ",")) break;
                k++;
            }
        } else if (!c.matched && s.is(k, "INSERT")) {
            c.action = Analysis.MergeAction.INSERT;
            k++;
            if (s.isOp(k, "(")) {
                int close = s.closing(k);
                if (close < 0) return unsupported(w, "unclosed INSERT column list");
                for (int j = k + 1; j < close; j += 2) {
                    if (!s.isName(j) || !(s.isOp(j + 1, ",") || j + 1 == close)) {
                        return unsupported(w, "the INSERT column list must hold plain column names");
                    }
                    c.insertColumns.add(j);
                    w.identifiers.set(j);
                }
                k = close + 1;
            }
            if (!s.is(k, "VALUES") || !s.isOp(k + 1, "(")) {
                if (s.is(k, "DEFAULT")) {
                    refuse(w, Refusals.INSERT_DEFAULT_VALUES);
                    return -1;
                }
                return unsupported(w, "expected VALUES (…) in the MERGE INSERT");
            }
            int close = s.closing(k + 1);
            if (close < 0) return unsupported(w, "unclosed VALUES");
            List<int[]> values = split(s, k + 2, close);
            if (values == null) return unsupported(w, "empty value in the MERGE INSERT");
            if (!c.insertColumns.isEmpty() && values.size() != c.insertColumns.size()) {
                return unsupported(w, "the MERGE INSERT names " + c.insertColumns.size() + " columns but " + values.size() + " values");
            }
            c.insertValues.addAll(values);
            w.wholeValues.addAll(values);
            k = close + 1;
        } else {
            return unsupported(w, "unsupported action in WHEN " + (c.matched ? "" : "NOT ") + "MATCHED");
        }
        w.clauses.add(c);
        return k;
    }

    /**
     * Where a MERGE part starting at {@code from} ends: at the next top-level {@code WHEN [NOT] MATCHED}, at a
     * top-level comma (when asked), at a top-level THEN outside a CASE (when asked), at RETURNING, or at the end.
     */
    private static int mergePartEnd(SqlSource s, int from, boolean atComma, boolean atThen) {
        int base = s.depth(from);
        int cases = 0;
        int j = from;
        for (; j < s.size(); j++) {
            if (s.depth(j) != base) continue;
            if (s.is(j, "CASE")) cases++;
            else if (s.is(j, "END") && cases > 0) cases--;
            else if (cases == 0 && s.is(j, "WHEN") && (s.is(j + 1, "MATCHED") || (s.is(j + 1, "NOT") && s.is(j + 2, "MATCHED")))) break;
            else if (cases == 0 && atThen && s.is(j, "THEN")) break;
            else if (atComma && s.isOp(j, ",")) break;
            else if (s.is(j, "RETURNING")) break;
        }
        return j;
    }

    // ---------------------------------------------------------------- INSERT

    private static void insert(SqlSource s, int first, WriteShape w) {
        int k = first + 1;
        if (s.is(k, "OR") && s.isName(k + 1)) {
            w.refusal = Refusals.conflictClause("INSERT", upper(s, k + 1));
            return;
        }
        while (s.is(k, "LOW_PRIORITY") || s.is(k, "DELAYED") || s.is(k, "HIGH_PRIORITY")) k++;
        if (s.is(k, "IGNORE")) {
            refuse(w, Refusals.INSERT_IGNORE);
            return;
        }
        if (s.is(k, "INTO")) k++;
        else w.intoMissing = true;
        k = table(s, k, w);
        if (k < 0) return;
        if (s.isOp(k, "(")) {
            if (s.is(k + 1, "SELECT") || s.is(k + 1, "WITH") || s.is(k + 1, "VALUES")) {
                query(s, k, w); // INSERT INTO t (SELECT …)
                return;
            }
            k = columnList(s, k, w);
            if (k < 0) return;
        }
        if (s.is(k, "DEFAULT") && s.is(k + 1, "VALUES")) {
            refuse(w, Refusals.INSERT_DEFAULT_VALUES);
        } else if (s.is(k, "SET")) {
            refuse(w, Refusals.INSERT_SET);
        } else if (s.is(k, "SELECT") || s.is(k, "WITH") || s.is(k, "TABLE") || s.isOp(k, "(")) {
            query(s, k, w);
        } else if (s.is(k, "VALUES") || (s.is(k, "VALUE") && s.has(Syntax.VALUE_KEYWORD))) {
            w.valuesToken = k;
            rows(s, k + 1, w);
        } else {
            w.unsupported = "expected VALUES after the table" + (w.columns.isEmpty() ? "" : "'s column list");
        }
    }

    /** INSERT … query: the query runs to the end, unless an upsert or RETURNING clause follows it. */
    private static void query(SqlSource s, int k, WriteShape w) {
        for (int j = k; j < s.size(); j++) {
            if (s.depth(j) != 0) continue;
            if (s.is(j, "RETURNING")) {
                refuse(w, Refusals.RETURNING);
                return;
            }
            if (s.is(j, "ON") && (s.is(j + 1, "CONFLICT") || s.is(j + 1, "DUPLICATE"))) {
                refuse(w, Refusals.INSERT_SELECT_UPSERT);
                return;
            }
        }
        w.query = new int[] {k, s.size() - 1};
    }

    private static int columnList(SqlSource s, int open, WriteShape w) {
        int close = s.closing(open);
        if (close < 0) return unsupported(w, "unclosed column list");
        int k = open + 1;
        while (k < close) {
            if (!s.isName(k) || !(s.isOp(k + 1, ",") || k + 1 == close)) {
                return unsupported(w, "the column list must hold plain column names");
            }
            w.columns.add(k);
            w.identifiers.set(k);
            k += 2;
        }
        if (w.columns.isEmpty()) return unsupported(w, "empty column list");
        return close + 1;
    }

    private static void rows(SqlSource s, int k, WriteShape w) {
        while (true) {
            if (!s.isOp(k, "(")) {
                unsupported(w, "each row of VALUES must be in parentheses");
                return;
            }
            int close = s.closing(k);
            if (close < 0) {
                unsupported(w, "unclosed row");
                return;
            }
            List<int[]> row = split(s, k + 1, close);
            if (row == null) {
                unsupported(w, "empty value in a VALUES row");
                return;
            }
            w.rows.add(row);
            k = close + 1;
            if (!s.isOp(k, ",")) break;
            k++;
        }
        int width = w.columns.isEmpty() ? w.rows.get(0).size() : w.columns.size();
        for (List<int[]> row : w.rows) {
            if (row.size() != width) {
                unsupported(w, "a VALUES row holds " + row.size() + " values where " + width + " are expected");
                return;
            }
        }
        if (k < s.size()) trailing(s, k, w, "after VALUES");
    }

    /** The comma-separated expressions between tokens {@code from} (inclusive) and {@code close} (exclusive). */
    private static List<int[]> split(SqlSource s, int from, int close) {
        List<int[]> out = new ArrayList<>();
        int base = s.depth(close) + 1;
        int start = from;
        for (int j = from; j <= close; j++) {
            if (j == close || (s.depth(j) == base && s.isOp(j, ","))) {
                if (j == start) return null;
                out.add(new int[] {start, j - 1});
                start = j + 1;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- UPDATE

    private static void update(SqlSource s, int first, WriteShape w) {
        int k = first + 1;
        if (s.is(k, "OR") && s.isName(k + 1)) {
            w.refusal = Refusals.conflictClause("UPDATE", upper(s, k + 1));
            return;
        }
        if (s.is(k, "LOW_PRIORITY") || s.is(k, "IGNORE") || s.is(k, "ONLY")) {
            unsupported(w, "UPDATE " + upper(s, k) + " is not supported");
            return;
        }
        int afterTable = table(s, k, w);
        if (afterTable < 0) return;
        int set = afterTable;
        while (set < s.size() && !(s.depth(set) == 0 && s.is(set, "SET"))) set++;
        if (set == s.size()) {
            unsupported(w, "no SET");
            return;
        }
        // Between the table and SET: nothing, an alias, or (MariaDB) more tables.
        for (int i = afterTable; i < set; i++) {
            if (s.depth(i) == 0 && (s.isOp(i, ",") || s.is(i, "JOIN"))) {
                refuse(w, Refusals.MULTI_TABLE_UPDATE);
                return;
            }
        }
        if (set > afterTable) { // UPDATE t [AS] a SET … (Hibernate writes its bulk updates so)
            int alias = s.is(afterTable, "AS") ? afterTable + 1 : afterTable;
            if (alias + 1 != set || !s.isName(alias)) {
                refuse(w, Refusals.UPDATE_ALIAS);
                return;
            }
            w.alias = alias;
        }
        k = set + 1;
        while (true) {
            int col = k;
            while (s.isName(col) && s.isOp(col + 1, ".") && s.isName(col + 2)) col += 2; // SET t.col = … (MariaDB)
            if (!s.isName(col) || !s.isOp(col + 1, "=")) {
                unsupported(w, "each SET item must be column = expression");
                return;
            }
            for (int i = k; i <= col; i += 2) w.identifiers.set(i);
            int end = expressionEnd(s, col + 2, true);
            if (end == col + 2) {
                unsupported(w, "empty SET expression");
                return;
            }
            w.setColumns.add(col);
            w.setValues.add(new int[] {col + 2, end - 1});
            k = end;
            if (!s.isOp(k, ",")) break;
            k++;
        }
        k = whereClause(s, k, w);
        if (k >= 0 && k < s.size()) trailing(s, k, w, "after the SET list");
    }

    // ---------------------------------------------------------------- DELETE

    private static void delete(SqlSource s, int first, WriteShape w) {
        int k = first + 1;
        if (s.is(k, "LOW_PRIORITY") || s.is(k, "QUICK") || s.is(k, "IGNORE") || s.is(k + 1, "ONLY")) {
            unsupported(w, "DELETE with LOW_PRIORITY, QUICK, IGNORE or ONLY is not supported");
            return;
        }
        int target = -1; // MariaDB has no alias on a single-table DELETE: DELETE a FROM t a WHERE … (Hibernate writes it)
        if (!s.is(k, "FROM")) { // MariaDB: DELETE t FROM …, DELETE t1, t2 FROM …
            if (!s.isName(k) || !s.is(k + 1, "FROM")) {
                refuse(w, Refusals.MULTI_TABLE_DELETE);
                return;
            }
            target = k++;
        }
        k = table(s, k + 1, w);
        if (k < 0) return;
        if (s.isOp(k, ",") || s.is(k, "JOIN")) {
            refuse(w, Refusals.MULTI_TABLE_DELETE);
            return;
        }
        if (s.is(k, "USING")) {
            refuse(w, Refusals.DELETE_USING);
            return;
        }
        if (s.is(k, "AS") || (s.isName(k) && !isClause(s, k))) { // DELETE FROM t [AS] a WHERE …
            int alias = s.is(k, "AS") ? k + 1 : k;
            if (!s.isName(alias) || isClause(s, alias) || !(alias + 1 == s.size() || s.is(alias + 1, "WHERE"))) {
                refuse(w, target >= 0 ? Refusals.MULTI_TABLE_DELETE : Refusals.DELETE_ALIAS);
                return;
            }
            w.alias = alias;
            k = alias + 1;
        }
        if (target >= 0) {
            String named = w.alias >= 0 ? s.name(w.alias) : w.table.schema() == null ? w.table.name() : null;
            if (named == null || !named.equalsIgnoreCase(s.name(target))) { // DELETE x FROM t, DELETE a FROM t b
                refuse(w, Refusals.MULTI_TABLE_DELETE);
                return;
            }
            w.deleteTarget = target;
        }
        k = whereClause(s, k, w);
        if (k >= 0 && k < s.size()) trailing(s, k, w, "after the table");
    }

    // ---------------------------------------------------------------- shared

    /** The target table at token {@code k}; returns the index after it, or -1 (with the shape marked). */
    private static int table(SqlSource s, int k, WriteShape w) {
        TableNames.Found t = TableNames.at(s, k);
        if (t == null) return unsupported(w, "no table name");
        if (t.threeParts()) {
            refuse(w, Refusals.THREE_PART_NAME);
            return -1;
        }
        if (TableNames.isLedger(t.ref().name())) {
            refuse(w, Refusals.LEDGER_TABLE);
            return -1;
        }
        for (int i = t.from(); i < t.end(); i += 2) w.identifiers.set(i);
        w.table = t.ref();
        return t.end();
    }

    private static int whereClause(SqlSource s, int k, WriteShape w) {
        if (!s.is(k, "WHERE")) return k;
        int end = expressionEnd(s, k + 1, false);
        if (end == k + 1) return unsupported(w, "empty WHERE");
        w.where = new int[] {k + 1, end - 1};
        return end;
    }

    /**
     * Where the top-level expression starting at {@code from} ends: at a top-level comma (when asked), at a
     * clause keyword, or at the end. {@code IS DISTINCT FROM} is not a FROM clause.
     */
    private static int expressionEnd(SqlSource s, int from, boolean atComma) {
        int base = s.depth(from);
        int j = from;
        for (; j < s.size(); j++) {
            if (s.depth(j) != base) continue;
            if (atComma && s.isOp(j, ",")) break;
            if (isClause(s, j)) break;
        }
        return j;
    }

    private static boolean isClause(SqlSource s, int j) {
        return s.is(j, "WHERE") || s.is(j, "RETURNING") || s.is(j, "LIMIT") || s.is(j, "USING")
                || (s.is(j, "ORDER") && s.is(j + 1, "BY"))
                || (s.is(j, "FROM") && !s.is(j - 1, "DISTINCT"))
                || (s.is(j, "ON") && (s.is(j + 1, "CONFLICT") || s.is(j + 1, "DUPLICATE")));
    }

    /** Names what follows the part capture understands, when it is a refused construct. */
    private static void trailing(SqlSource s, int k, WriteShape w, String where) {
        boolean update = w.verb == WriteShape.Verb.UPDATE;
        for (int j = k; j < s.size(); j++) {
            if (s.depth(j) != 0) continue;
            String refused = null;
            if (s.is(j, "RETURNING")) refused = Refusals.RETURNING;
            else if (s.is(j, "ON") && s.is(j + 1, "CONFLICT")) refused = Refusals.ON_CONFLICT;
            else if (s.is(j, "ON") && s.is(j + 1, "DUPLICATE")) refused = Refusals.ON_DUPLICATE_KEY;
            else if (s.is(j, "ORDER") && s.is(j + 1, "BY") && w.verb != WriteShape.Verb.INSERT)
                refused = update ? Refusals.UPDATE_ORDER_BY : Refusals.DELETE_ORDER_BY;
            else if (s.is(j, "LIMIT") && w.verb != WriteShape.Verb.INSERT)
                refused = update ? Refusals.UPDATE_LIMIT : Refusals.DELETE_LIMIT;
            else if (s.is(j, "FROM") && update) refused = Refusals.UPDATE_FROM;
            else if (s.is(j, "USING") && !update) refused = Refusals.DELETE_USING;
            if (refused != null) {
                refuse(w, refused);
                return;
            }
        }
        w.unsupported = "unexpected '" + s.text(k) + "' " + where;
    }

    private static WriteShape refuse(WriteShape w, String construct) {
        w.refusal = Refusals.of(construct);
        return w;
    }

    private static int unsupported(WriteShape w, String why) {
        if (w.unsupported == null) w.unsupported = why;
        return -1;
    }
}
