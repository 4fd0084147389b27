package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * The checks every capture makes around its write: before it runs, the refusal of what capture cannot follow (a
 * table's side effects, a random function picking the rows); after it runs, that its update count is the number of
 * rows captured. Also the one wording of a capture conflict (40001).
 *
 * <p>Contract: pure decisions, no database access except the real statement's update count; stateless, so any
 * thread may call them.
 */
final class CaptureChecks {

    private static final Pattern VOLATILE = Pattern.compile(
            "(?i)\\b(random|rand|uuid|gen_random_uuid|random_uuid|uuid_generate_v4|newid|clock_timestamp|sys_guid)\\s*\\(");

    private CaptureChecks() {
    }

    /** Whether an expression calls a function whose result differs from one evaluation to the next. */
    static boolean callsRandom(Analysis.SqlExpr e) {
        return e != null && VOLATILE.matcher(e.text()).find();
    }

    /** Refuses what capture cannot follow: side effects of the table, and a WHERE that picks rows at random. */
    static void refuseUncapturable(String what, TableInfo t, Analysis.SqlExpr where) throws SQLException {
        if (t.sideEffect() != null) {
            throw CaptureRefusal.of(what + " on a table with side effects", t.sideEffect());
        }
        if (where != null && VOLATILE.matcher(where.text()).find()) {
            throw CaptureRefusal.of(what + " with a random function in its WHERE",
                    "the rows it picks when it runs can differ from the rows capture reads just before");
        }
    }

    static void requireCount(Object result, ExecutionContext ctx, int captured, String what) throws SQLException {
        long count = updateCount(result, ctx);
        // sqlite-jdbc's Statement counts the rows referential actions changed too, its PreparedStatement does not
        if (count != captured && count - ctx.actionRows() != captured) {
            throw conflict(what, "it changed " + count + " rows but " + captured + " were captured; another transaction "
                    + "changed the same rows meanwhile");
        }
    }

    /** The update count of the real call: its result, or (after {@code execute}) the statement's. */
    static long updateCount(Object result, ExecutionContext ctx) throws SQLException {
        if (result instanceof Number n) {
            return n.longValue();
        }
        return ctx.realStatement().getUpdateCount();
    }

    static SQLException conflict(String what, String detail) {
        return new CaptureConflict("LedgerJDBC could not capture this " + what + " consistently: " + detail
                + "; the transaction must be rolled back and retried");
    }
}
