package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.ledger.store.SqlDialect;
import org.apache.calcite.config.Lex;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Confirms a write's structure with Calcite Babel, and that Calcite sees the same shape as {@link WriteParser}
 * (table, column count, rows × values, SET items, WHERE present or not). Only then are the token spans trusted.
 *
 * <p>Calcite gets a lexically normalised copy, rebuilt from the tokens, so that it judges structure rather than
 * the lexical quirks it does not share with the backends (all measured on 1.42):
 * <ul>
 * <li>string forms Calcite cannot lex (PostgreSQL E'…' and $$…$$, MariaDB backslash escapes and "…" strings,
 *     B'…') become standard '…' literals of the same value;
 * <li>quoted identifiers get the quoting of the chosen {@link Lex} (backticks on MariaDB, "…" elsewhere, so
 *     SQLite's [x] and `x` pass too);
 * <li>names Calcite reserves but the backends do not ({@code date}, {@code time}, {@code timestamp}, …) are
 *     quoted where they are identifiers; table and column names of the statement always are;
 * <li>{@code SET c = DEFAULT} (rejected by Calcite, valid everywhere) becomes {@code SET c = NULL};
 *     PostgreSQL's {@code INTERVAL '1 day'} becomes {@code INTERVAL '1' DAY}; {@code 0x1F} becomes 0;
 *     MariaDB {@code @v} becomes an identifier; comments and the trailing {@code ;} are dropped.
 * </ul>
 * None of these changes the statement's structure. Calcite's error positions are mapped back to the original.
 */
final class CalciteCheck {

    /** What Calcite may see as the source of an INSERT … query. */
    private static final java.util.Set<SqlKind> QUERY_KINDS = java.util.EnumSet.of(SqlKind.SELECT, SqlKind.UNION,
            SqlKind.INTERSECT, SqlKind.EXCEPT, SqlKind.MINUS, SqlKind.ORDER_BY, SqlKind.WITH, SqlKind.EXPLICIT_TABLE, SqlKind.VALUES);

    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private final SqlParser.Config config;
    private final boolean backticks;
    private final LongAdder parses = new LongAdder();

    CalciteCheck(SqlDialect dialect) {
        // MYSQL: backtick quoting, names keep their case. MYSQL_ANSI: the same with "…" quoting, which SQLite,
        // H2 and PostgreSQL use (ORACLE, the default, upper-cases unquoted names; JAVA/MYSQL reject "…").
        Lex lex = Backend.of(dialect).calciteLex();
        this.backticks = lex.quoting == org.apache.calcite.avatica.util.Quoting.BACK_TICK;
        this.config = SqlParser.config()
                .withParserFactory(SqlBabelParserImpl.FACTORY)
                .withConformance(SqlConformanceEnum.BABEL)
                .withLex(lex)
                .withIdentifierMaxLength(65_536);
    }

    /** How many statements were handed to Calcite (tests prove reads never are). */
    long parses() {
        return parses.sum();
    }

    /** Null when Calcite parses the write and agrees with {@code w}; otherwise why not. */
    String check(SqlSource s, int first, WriteShape w) {
        if (w.verb == WriteShape.Verb.MERGE) return checkMerge(s, w);
        int[] normStart = new int[s.size()];
        String text = normalise(s, first, w, normStart);
        SqlNode node;
        try {
            parses.increment();
            node = SqlParser.create(text, config).parseStmt();
        } catch (SqlParseException e) {
            return "Calcite: " + originalPositions(firstLine(e.getMessage()), s, first, normStart);
        } catch (RuntimeException | StackOverflowError e) {
            return "Calcite: " + e.getClass().getSimpleName();
        }
        if (w.unsupported != null) return w.unsupported;
        try {
            return compare(node, s, w);
        } catch (RuntimeException e) { // a tree of an unexpected form (e.g. not an identifier where one was expected)
            return disagree("tree (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Calcite's MERGE grammar lacks {@code WHEN … AND condition}, {@code DELETE} and {@code DO NOTHING}, so a MERGE
     * is confirmed through the query capture builds from its parts: {@code SELECT <every condition and value>
     * FROM target JOIN source ON condition}. Calcite must parse it and see exactly as many select items as the
     * analyzer split, so each part is a whole expression.
     */
    private String checkMerge(SqlSource s, WriteShape w) {
        if (w.unsupported != null) return w.unsupported;
        List<int[]> items = new ArrayList<>();
        for (WriteShape.Clause c : w.clauses) {
            if (c.condition != null) items.add(c.condition);
            items.addAll(c.setValues);
            items.addAll(c.insertValues);
        }
        StringBuilder b = new StringBuilder("SELECT ");
        if (items.isEmpty()) b.append('1');
        for (int i = 0; i < items.size(); i++) b.append(i == 0 ? "" : ", ").append(piece(s, items.get(i), w));
        b.append(" FROM ").append(piece(s, w.targetName, w));
        if (w.targetAlias != null) b.append(" AS ").append(piece(s, w.targetAlias, w));
        b.append(" JOIN ").append(piece(s, w.source, w));
        if (w.sourceAlias != null) b.append(" AS ").append(piece(s, w.sourceAlias, w));
        b.append(" ON ").append(piece(s, w.on, w));
        SqlNode node;
        try {
            parses.increment();
            node = SqlParser.create(b.toString(), config).parseQuery();
        } catch (SqlParseException e) {
            return "Calcite (MERGE parts): " + firstLine(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return "Calcite: " + e.getClass().getSimpleName();
        }
        if (!(node instanceof SqlSelect select) || !(select.getFrom() instanceof SqlJoin)) return disagree("MERGE source");
        int expected = Math.max(1, items.size());
        return select.getSelectList().size() == expected ? null : disagree("MERGE conditions and values");
    }

    /** The normalised text of tokens {@code range[0]..range[1]}. */
    private String piece(SqlSource s, int[] range, WriteShape w) {
        StringBuilder b = new StringBuilder();
        for (int k = range[0]; k <= range[1]; k++) {
            if (k > range[0] && s.start(k) > s.end(k - 1)) b.append(' ');
            b.append(token(s, k, -1, w));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- normalised copy

    String normalise(SqlSource s, int first, WriteShape w, int[] normStart) {
        StringBuilder b = new StringBuilder(s.sql().length() + 16);
        for (int k = first; k < s.size(); k++) {
            if (k > first && s.start(k) > s.end(k - 1)) b.append(' ');
            normStart[k] = b.length();
            b.append(token(s, k, first, w));
        }
        return b.toString();
    }

    private String token(SqlSource s, int k, int first, WriteShape w) {
        if (k == first && w.intoMissing) return s.text(k) + " INTO";
        if (k == w.valuesToken) return "VALUES";
        if (k == w.deleteTarget) return "";
        switch (s.type(k)) {
            case SqlSource.STRING:
                if (s.is(k - 1, "INTERVAL") && !SqlKeywords.in(s, k + 1, SqlKeywords.INTERVAL_UNITS)) return "'1' DAY";
                return standardString(s, k);
            case SqlSource.QIDENT:
                return quote(s.name(k));
            case SqlSource.VARIABLE:
                return quote(s.text(k));
            case SqlSource.NUMBER: {
                String t = s.text(k);
                if (t.length() > 1 && (t.charAt(1) == 'x' || t.charAt(1) == 'X')) return "0";
                return t.replace("_", "");
            }
            case SqlSource.WORD:
                if (w.identifiers.get(k) || s.isOp(k - 1, ".") || calciteReserved(s, k)) return quote(s.text(k));
                if (s.is(k, "DEFAULT") && isWholeSetValue(w, k)) return "NULL";
                return s.text(k);
            default:
                return s.text(k);
        }
    }

    private String standardString(SqlSource s, int k) {
        String t = s.text(k);
        char c0 = Character.toUpperCase(t.charAt(0));
        boolean standard = !backticks && (c0 == '\'' || ((c0 == 'N' || c0 == 'X') && t.charAt(1) == '\''));
        if (standard) return t;
        return "'" + s.stringValue(k).replace("'", "''") + "'";
    }

    private String quote(String name) {
        return backticks ? "`" + name.replace("`", "``") + "`" : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A Calcite-reserved word standing as an identifier: not a typed literal, not a type name in a cast. */
    private static boolean calciteReserved(SqlSource s, int k) {
        if (!SqlKeywords.in(s, k, SqlKeywords.CALCITE_RESERVED_NAMES)) return false;
        if (k + 1 < s.size() && s.type(k + 1) == SqlSource.STRING) return false; // DATE '2024-01-01'
        if (s.isOp(k - 1, "::") || s.is(k - 1, "WITH") || s.is(k - 1, "WITHOUT")) return false;
        if (s.is(k - 1, "AS")) {
            for (int j = k - 1; j >= 0; j--) { // the enclosing '(' : is it CAST( … AS type)?
                if (s.depth(j) == s.depth(k) - 1 && s.isOp(j, "(")) {
                    return !(s.is(j - 1, "CAST") || s.is(j - 1, "TRY_CAST") || s.is(j - 1, "SAFE_CAST"));
                }
            }
        }
        return true;
    }

    private static boolean isWholeSetValue(WriteShape w, int k) {
        for (int[] v : w.setValues) if (v[0] == k && v[1] == k) return true;
        for (int[] v : w.wholeValues) if (v[0] == k && v[1] == k) return true;
        return false;
    }

    // ---------------------------------------------------------------- agreement

    private static String compare(SqlNode node, SqlSource s, WriteShape w) {
        switch (w.verb) {
            case INSERT: {
                if (!(node instanceof SqlInsert ins)) return disagree("statement kind " + node.getKind());
                if (!sameTable(ins.getTargetTable(), w)) return disagree("target table");
                SqlNodeList cols = ins.getTargetColumnList();
                if ((cols == null ? 0 : cols.size()) != w.columns.size()) return disagree("column list");
                if (w.query != null) {
                    return QUERY_KINDS.contains(ins.getSource().getKind()) ? null : disagree("source " + ins.getSource().getKind());
                }
                if (ins.getSource().getKind() != SqlKind.VALUES) return disagree("source " + ins.getSource().getKind());
                List<SqlNode> rows = ((SqlBasicCall) ins.getSource()).getOperandList();
                if (rows.size() != w.rows.size()) return disagree("number of rows");
                for (int r = 0; r < rows.size(); r++) {
                    SqlNode row = rows.get(r);
                    int width = row.getKind() == SqlKind.ROW ? ((SqlBasicCall) row).operandCount() : 1;
                    if (width != w.rows.get(r).size()) return disagree("values in row " + (r + 1));
                }
                return null;
            }
            case UPDATE: {
                if (!(node instanceof SqlUpdate up)) return disagree("statement kind " + node.getKind());
                if (!sameTable(up.getTargetTable(), w) || (up.getAlias() != null) != (w.alias >= 0)) return disagree("target table");
                if (up.getTargetColumnList().size() != w.setColumns.size()) return disagree("SET list");
                for (int i = 0; i < w.setColumns.size(); i++) {
                    SqlIdentifier col = (SqlIdentifier) up.getTargetColumnList().get(i);
                    if (!col.names.get(col.names.size() - 1).equals(s.name(w.setColumns.get(i)))) {
                        return disagree("SET column " + (i + 1));
                    }
                }
                if ((up.getCondition() == null) != (w.where == null)) return disagree("WHERE");
                return null;
            }
            default: {
                if (!(node instanceof SqlDelete del)) return disagree("statement kind " + node.getKind());
                if (!sameTable(del.getTargetTable(), w) || (del.getAlias() != null) != (w.alias >= 0)) return disagree("target table");
                if ((del.getCondition() == null) != (w.where == null)) return disagree("WHERE");
                return null;
            }
        }
    }

    private static boolean sameTable(SqlNode target, WriteShape w) {
        if (!(target instanceof SqlIdentifier id)) return false;
        List<String> expected = new ArrayList<>(2);
        if (w.table.schema() != null) expected.add(w.table.schema());
        expected.add(w.table.name());
        return id.names.equals(expected);
    }

    private static String disagree(String what) {
        return "Calcite and the analyzer disagree on the " + what;
    }

    // ---------------------------------------------------------------- messages

    private static String firstLine(String message) {
        if (message == null) return "parse error";
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }

    /** Rewrites Calcite's "line L, column C" (in the normalised copy, one line) into the original's. */
    private static String originalPositions(String message, SqlSource s, int first, int[] normStart) {
        Matcher m = POSITION.matcher(message);
        if (!m.find() || !m.group(1).equals("1")) return message;
        int offset = Integer.parseInt(m.group(2)) - 1;
        int k = first;
        while (k + 1 < s.size() && normStart[k + 1] <= offset) k++;
        if (k >= s.size()) return message;
        int original = Math.min(s.start(k) + Math.max(0, offset - normStart[k]), Math.max(s.start(k), s.end(k) - 1));
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < original; i++) {
            if (s.sql().charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return message.substring(0, m.start()) + "line " + line + ", column " + (original - lineStart + 1)
                + message.substring(m.end());
    }
}
