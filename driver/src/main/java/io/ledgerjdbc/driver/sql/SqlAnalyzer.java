package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.backend.Syntax;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.sql.Analysis.Assignment;
import io.ledgerjdbc.driver.sql.Analysis.Delete;
import io.ledgerjdbc.driver.sql.Analysis.Insert;
import io.ledgerjdbc.driver.sql.Analysis.InsertSelect;
import io.ledgerjdbc.driver.sql.Analysis.Merge;
import io.ledgerjdbc.driver.sql.Analysis.MergeClause;
import io.ledgerjdbc.driver.sql.Analysis.Read;
import io.ledgerjdbc.driver.sql.Analysis.Refused;
import io.ledgerjdbc.driver.sql.Analysis.SqlExpr;
import io.ledgerjdbc.driver.sql.Analysis.Update;
import io.ledgerjdbc.ledger.store.SqlDialect;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import static io.ledgerjdbc.driver.sql.SqlKeywords.upper;

/**
 * Decides what one SQL string does, for capture: a read that passes through, an INSERT/UPDATE/DELETE with the
 * exact text of every value and condition, DDL, transaction control, or a refusal that says why.
 *
 * <p>How: the string is lexed once ({@link SqlSource}); the first keyword decides. Reads are never parsed —
 * a token scan catches the few reads that write ({@link ReadChecks}). Writes are split on the tokens
 * ({@link WriteParser}) and confirmed by Calcite Babel ({@link CalciteCheck}); DDL and transaction control are
 * classified on the tokens. The result is cached per SQL string, because parsing a write costs tens of
 * microseconds — more than an in-memory insert
 * (measured on this project's benchmark machine).
 *
 * <p>Thread-safe. {@link #analyze} never throws.
 */
public final class SqlAnalyzer {

    /** Entries kept; past this, an arbitrary tenth is evicted (ORMs repeat a bounded set of statements). */
    static final int CACHE_LIMIT = 10_000;
    /**
     * Longer strings are analysed but not cached: they are typically one-off multi-row INSERTs with inline
     * values that would only evict the statements that do repeat.
     */
    static final int MAX_CACHED_LENGTH = 16_384;

    static final Read READ = new Read();

    private final SqlDialect dialect;
    private final Backend backend;
    /** Created on the first write: Calcite's setup costs ~250 ms (measured), which a read-only client never pays. */
    private volatile CalciteCheck calcite;
    private final ConcurrentHashMap<String, Analysis> cache = new ConcurrentHashMap<>();

    public SqlAnalyzer(SqlDialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.backend = Backend.of(dialect);
    }

    /** What {@code sql} does; the same instance for the same string while it stays cached. Never throws. */
    public Analysis analyze(String sql) {
        if (sql == null) return new Refused(Refusals.UNRECOGNISED, "no SQL was given (null).");
        Analysis cached = cache.get(sql);
        if (cached != null) return cached;
        Analysis a = upsertOrAsIs(analyzeUncached(sql), sql);
        if (sql.length() > MAX_CACHED_LENGTH) return a;
        if (cache.size() >= CACHE_LIMIT) evictSome();
        Analysis raced = cache.putIfAbsent(sql, a);
        return raced != null ? raced : a;
    }

    /**
     * An upsert Calcite cannot parse is refused by the analysis of its text; it is captured by the plain INSERT it
     * starts with where that can be found (see {@link Upserts}), and stays refused otherwise.
     */
    private Analysis upsertOrAsIs(Analysis a, String sql) {
        if (a instanceof Refused r && Upserts.isUpsert(r)) {
            Analysis.Insert core = Upserts.core(sql, this);
            return core == null ? r : new Analysis.Upsert(core, r.construct());
        }
        return a;
    }

    /** How many statements were handed to Calcite so far. */
    long calciteParses() {
        CalciteCheck c = calcite;
        return c == null ? 0 : c.parses();
    }

    private CalciteCheck calcite() {
        CalciteCheck c = calcite;
        if (c == null) {
            synchronized (this) {
                c = calcite;
                if (c == null) calcite = c = new CalciteCheck(dialect);
            }
        }
        return c;
    }

    int cacheSize() {
        return cache.size();
    }

    private void evictSome() {
        int drop = CACHE_LIMIT / 10;
        for (Iterator<String> it = cache.keySet().iterator(); it.hasNext() && drop > 0; drop--) {
            it.next();
            it.remove();
        }
    }

    private Analysis analyzeUncached(String sql) {
        try {
            return classify(SqlSource.lex(sql, dialect));
        } catch (RuntimeException | StackOverflowError e) {
            // A bug here must not take the application's statement down with an unexpected exception type.
            return new Refused(Refusals.UNRECOGNISED, "the analyzer failed on this statement ("
                    + e.getClass().getSimpleName() + "); please report it with the SQL.");
        }
    }

    private Analysis classify(SqlSource s) {
        if (s.unterminated()) return Refusals.of(Refusals.UNTERMINATED);
        if (s.size() == 0) return READ; // only whitespace/comments: nothing runs, nothing to capture
        int first = 0;
        while (s.isOp(first, "(")) first++; // (SELECT …) UNION (SELECT …)
        if (first == s.size()) return Refusals.of(Refusals.UNRECOGNISED);

        Analysis routine = DdlClassifier.routineRefusal(s, first);
        if (routine != null) return routine;
        for (int i = 0; i < s.size() - 1; i++) {
            if (s.isOp(i, ";")) return Refusals.of(Refusals.MULTIPLE_STATEMENTS);
        }
        if (s.isOp(s.size() - 1, ";")) s.dropLast();
        if (first >= s.size()) return s.size() == 0 ? READ : Refusals.of(Refusals.UNRECOGNISED); // ";" or "(;"

        if (s.isOp(first, "{")) { // JDBC escapes: {call p(?)}, {? = call f(?)}
            for (int i = first + 1; i < Math.min(s.size(), first + 5); i++) {
                if (s.is(i, "CALL")) return Refusals.of(Refusals.CALL);
            }
            return Refusals.of(Refusals.UNRECOGNISED);
        }
        if (s.type(first) != SqlSource.WORD) return Refusals.of(Refusals.UNRECOGNISED);
        String keyword = upper(s, first);
        if (first > 0 && !SqlKeywords.QUERIES.contains(keyword)) return Refusals.of(Refusals.UNRECOGNISED);

        if (SqlKeywords.READS.contains(keyword)) return read(s, first, keyword);
        if (SqlKeywords.CALLS.contains(keyword)) {
            // H2's CALL evaluates an expression, exactly like SELECT (Flyway runs CALL SCHEMA()); H2 has no
            // procedures, and the functions it can call are those a SELECT can call (same blind spot: ReadChecks).
            if (backend.has(Syntax.CALL_IS_EXPRESSION) && keyword.equals("CALL") && first == 0) {
                Analysis refusal = ReadChecks.query(s, first);
                return refusal != null ? refusal : READ;
            }
            return Refusals.of(Refusals.CALL);
        }
        if (SqlKeywords.DDL.contains(keyword)) return DdlClassifier.classify(s, first);
        if (SqlKeywords.TRANSACTION.contains(keyword)) return TransactionClassifier.classify(s, first);
        return switch (keyword) {
            case "INSERT", "UPDATE", "DELETE" -> write(s, first);
            case "REPLACE" -> Refusals.of(Refusals.REPLACE_INTO);
            // standard MERGE … USING is captured where the database has it; H2's MERGE … VALUES is an upsert
            case "MERGE" -> WriteParser.isMergeUsing(s, first)
                    && backend.has(Syntax.MERGE_USING) ? write(s, first) : Refusals.of(Refusals.MERGE);
            case "UPSERT" -> Refusals.of(Refusals.UPSERT);
            case "COPY" -> Refusals.of(Refusals.COPY);
            case "LOAD" -> s.is(first + 1, "DATA") || s.is(first + 1, "XML")
                    ? Refusals.of(Refusals.LOAD_DATA) : Refusals.of(Refusals.UNRECOGNISED);
            case "TRUNCATE" -> Refusals.of(Refusals.TRUNCATE);
            default -> noStatement(s, first, keyword) ? READ : Refusals.of(Refusals.UNRECOGNISED);
        };
    }

    /**
     * Whether the statement cannot run in any database because its first word begins no statement ({@code INSRT
     * INTO t …}): it goes to the database, which rejects it with its own syntax error, exactly as the raw driver
     * would. A write that cannot be captured must be refused before it runs; this one cannot run at all. Anything
     * else unrecognised stays refused. A word followed by {@code :} is a MariaDB label ({@code l1: LOOP … END LOOP}),
     * which may write.
     */
    private static boolean noStatement(SqlSource s, int first, String keyword) {
        return first == 0 && !SqlKeywords.STATEMENT_WORDS.contains(keyword)
                && !(first + 1 < s.size() && s.text(first + 1).startsWith(":"));
    }

    private Analysis read(SqlSource s, int first, String keyword) {
        Analysis refusal = switch (keyword) {
            case "SELECT", "WITH", "VALUES", "TABLE" -> ReadChecks.query(s, first);
            case "SET" -> autocommitSwitch(s, first) ? Refusals.of(Refusals.SET_AUTOCOMMIT)
                    : ReadChecks.sequenceUse(s); // MariaDB: SET @id = NEXTVAL(seq)
            case "EXPLAIN" -> ReadChecks.explain(s, first, this::analyzeUncached);
            case "ANALYZE", "ANALYSE" -> ReadChecks.analyze(s, first, this::analyzeUncached);
            default -> null;
        };
        return refusal != null ? refusal : READ;
    }

    /** {@code SET [@@[SESSION.]]autocommit …} (MariaDB, H2): would change transaction mode behind the driver. */
    private static boolean autocommitSwitch(SqlSource s, int first) {
        for (int i = first + 1; i < Math.min(s.size(), first + 6); i++) {
            if (s.is(i, "AUTOCOMMIT") || s.is(i, "@@AUTOCOMMIT") || s.is(i, "@@SESSION.AUTOCOMMIT")) {
                return true;
            }
        }
        return false;
    }

    private Analysis write(SqlSource s, int first) {
        WriteShape w = WriteParser.parse(s, first);
        if (w.refusal != null) return w.refusal;
        String problem = calcite().check(s, first, w);
        if (problem != null) return Refusals.unparsable(problem);
        int params = s.paramTotal();
        return switch (w.verb) {
            case INSERT -> {
                if (w.query != null) {
                    List<String> columns = new ArrayList<>(w.columns.size());
                    for (int c : w.columns) columns.add(s.name(c));
                    yield new InsertSelect(w.table, columns, Exprs.of(s, w.query[0], w.query[1]), params);
                }
                List<String> columns = new ArrayList<>(w.columns.size());
                // Names without quotes, like Assignment.column; the contract has no per-column quoted flag, so a
                // quoted column differing from another only by case cannot be told apart here.
                for (int c : w.columns) columns.add(s.name(c));
                List<List<SqlExpr>> rows = new ArrayList<>(w.rows.size());
                for (List<int[]> row : w.rows) {
                    List<SqlExpr> values = new ArrayList<>(row.size());
                    for (int[] v : row) values.add(Exprs.of(s, v[0], v[1]));
                    rows.add(values);
                }
                yield new Insert(w.table, columns, rows, params);
            }
            case UPDATE -> {
                List<Assignment> sets = new ArrayList<>(w.setColumns.size());
                for (int i = 0; i < w.setColumns.size(); i++) {
                    int col = w.setColumns.get(i);
                    int[] v = w.setValues.get(i);
                    sets.add(new Assignment(s.name(col), s.type(col) == SqlSource.QIDENT, Exprs.of(s, v[0], v[1])));
                }
                yield new Update(w.table, sets, where(s, w), params, alias(s, w));
            }
            case DELETE -> new Delete(w.table, where(s, w), params, alias(s, w));
            case MERGE -> merge(s, w, params);
        };
    }

    private static Merge merge(SqlSource s, WriteShape w, int params) {
        List<MergeClause> clauses = new ArrayList<>(w.clauses.size());
        for (WriteShape.Clause c : w.clauses) {
            List<Assignment> sets = new ArrayList<>(c.setColumns.size());
            for (int i = 0; i < c.setColumns.size(); i++) {
                int col = c.setColumns.get(i);
                int[] v = c.setValues.get(i);
                sets.add(new Assignment(s.name(col), s.type(col) == SqlSource.QIDENT, Exprs.of(s, v[0], v[1])));
            }
            List<String> columns = new ArrayList<>(c.insertColumns.size());
            for (int col : c.insertColumns) columns.add(s.name(col));
            List<SqlExpr> values = new ArrayList<>(c.insertValues.size());
            for (int[] v : c.insertValues) values.add(Exprs.of(s, v[0], v[1]));
            SqlExpr condition = c.condition == null ? null : Exprs.of(s, c.condition[0], c.condition[1]);
            clauses.add(new MergeClause(c.matched, condition, c.action, sets, columns, values));
        }
        return new Merge(w.table, s.text(w.targetName[0], w.targetName[1]),
                w.targetAlias == null ? null : s.text(w.targetAlias[0], w.targetAlias[1]),
                Exprs.of(s, w.source[0], w.source[1]),
                w.sourceAlias == null ? null : s.text(w.sourceAlias[0], w.sourceAlias[1]),
                Exprs.of(s, w.on[0], w.on[1]), clauses, params);
    }

    private static String alias(SqlSource s, WriteShape w) {
        return w.alias < 0 ? null : s.text(w.alias);
    }

    private static SqlExpr where(SqlSource s, WriteShape w) {
        return w.where == null ? null : Exprs.of(s, w.where[0], w.where[1]);
    }
}
