package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Captures an UPDATE on a table with a primary key. Where the database has one statement that locks the WHERE's rows,
 * changes them and returns both images ({@link Backend#updateWithImages}, PostgreSQL) and the session lets capture
 * run it in place of the application's ({@link Write#instead}), that is all. Otherwise the rows its WHERE selects are
 * read and locked first (their before-images and new keys), then it runs. The rows it changed are then known exactly:
 * <ul>
 *   <li>from the statement itself where it returns them ({@link Write#returnsChangedRows}, see {@link ChangedRows}:
 *       PostgreSQL the new images, H2 the keys): each must be one of the rows read and locked before, whose image is
 *       then its exact before-image (nobody else could change it in between); a row it changed that was not
 *       read before (it entered the WHERE's rows in between) fails the statement with 40001. Rows read but
 *       not changed (they left the WHERE's rows) are simply not recorded.</li>
 *   <li>MariaDB: its locking read is a current read at every isolation level, and locks the rows it reads,
 *       the subqueries' rows too (see {@link io.ledgerjdbc.driver.backend.MariaDbSubqueryLocks}); so until the UPDATE
 *       (itself a current read) runs, no row the WHERE depends on can change: the rows read still match it, the
 *       UPDATE changes at least them, and the update count tells whether it changed more (40001).</li>
 *   <li>SQLite: one writer per database file, and the session takes the write lock before the read
 *       (LedgerTransaction#takeSqliteWriteLock): nothing can change between the read and the write.</li>
 * </ul>
 * Otherwise the after-images are read back by their new keys.
 *
 * <p>Contract: runs inside the caller's transaction on the caller's connection, one thread per connection; the
 * locks it takes last until that transaction ends. Returns one {@link RowChange#update} per row whose image
 * changed, in the order of the locked read. A table without a primary key goes to {@link KeylessCapture}.
 */
final class UpdateCapture {

    private final Backend backend;
    private final RowReads reads;
    private final ChangedRows changedRows;
    private final KeylessCapture keyless;

    UpdateCapture(Backend backend, RowReads reads, ChangedRows changedRows, KeylessCapture keyless) {
        this.backend = backend;
        this.reads = reads;
        this.changedRows = changedRows;
        this.keyless = keyless;
    }

    <T> Captured<T> capture(Analysis.Update u, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        WriteFacts facts = w.facts();
        CaptureChecks.refuseUncapturable("UPDATE", t, u.where());
        if (!t.hasPrimaryKey()) {
            return keyless.update(u, w);
        }
        List<Analysis.SqlExpr> keyExprs = facts.updateKeyExprs();
        if (keyExprs == null) {
            keyExprs = new ArrayList<>();
            for (TableInfo.Column k : t.primaryKey()) {
                keyExprs.add(assigned(u, k));
            }
        }
        int keysAssigned = 0;
        for (Analysis.SqlExpr e : keyExprs) {
            if (e != null) keysAssigned++;
        }
        refuseOrderDependentKeyChange(u, t, keysAssigned > 0);
        if (w.instead() != null && facts.updateInOne() != null) {
            Captured<T> inOne = inOneStatement(u, w, facts.updateInOne());
            if (inOne != null) {
                return inOne;
            }
        }
        String sql = facts.updateRead() != null ? facts.updateRead() : readSql(u, t, keyExprs);
        List<Row> before = new ArrayList<>();
        List<Row> newKeys = new ArrayList<>();
        try (RowReads.Read r = reads.read(c, sql)) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (Analysis.SqlExpr e : keyExprs) {
                if (e != null) at = RowReads.bind(ps, params, e, at);
            }
            RowReads.bind(ps, params, u.where(), at);
            try (ResultSet rs = ps.executeQuery()) {
                RowReads.requireShape(rs, t, 0, keysAssigned);
                while (rs.next()) {
                    Row row = reads.read(rs, t);
                    before.add(row);
                    newKeys.add(newKey(rs, t, keyExprs, row));
                }
            }
        }
        T result = call.call();
        if (w.returnsChangedRows()) {
            return new Captured<>(result, changedExactly(c, t, ctx, result, before, newKeys, w.results(), facts));
        }
        CaptureChecks.requireCount(result, ctx, before.size(), "UPDATE");
        Map<Row, Row> after = reads.readByKeys(c, t, newKeys, facts.oneKeyRead());
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            Row a = after.get(newKeys.get(i));
            if (a == null) {
                throw CaptureChecks.conflict("UPDATE", "a row it updated is gone");
            }
            if (!a.equals(before.get(i))) {
                changes.add(RowChange.update(t.ledgerName(), t.keyOf(before.get(i)), before.get(i), a));
            }
        }
        return new Captured<>(result, changes);
    }

    /**
     * The changes of an UPDATE whose statement returned the rows it changed: each matched to the row read (and
     * locked) before it by its new key, in the order of that read.
     */
    private List<RowChange> changedExactly(Connection c, TableInfo t, ExecutionContext ctx, Object result, List<Row> before,
                                           List<Row> newKeys, StatementResults results, WriteFacts facts) throws SQLException {
        Map<Row, Integer> readAt = new HashMap<>();
        for (int i = 0; i < newKeys.size(); i++) {
            readAt.put(newKeys.get(i), i);
        }
        Row[] after = new Row[before.size()];
        List<Row> changedKeys = new ArrayList<>();
        List<Row> images = null;
        try (ResultSet rs = results.changedRows()) {
            if (changedRows.wholeRows()) {
                images = changedRows.rows(reads, rs, t);
                for (Row a : images) changedKeys.add(t.keyOf(a));
            } else {
                changedKeys.addAll(changedRows.keys(rs, t));
            }
        }
        long count = CaptureChecks.updateCount(result, ctx);
        if (count != changedKeys.size()) {
            throw CaptureChecks.conflict("UPDATE", "it reported " + count + " rows changed but returned " + changedKeys.size());
        }
        Map<Row, Row> read = images != null ? null : reads.readByKeys(c, t, changedKeys, facts.oneKeyRead());
        for (int j = 0; j < changedKeys.size(); j++) {
            Integer i = readAt.get(changedKeys.get(j));
            if (i == null || after[i] != null) {
                throw CaptureChecks.conflict("UPDATE", "it changed a row that was not among the rows its WHERE selected just before "
                        + "(another transaction moved it there meanwhile)");
            }
            after[i] = images != null ? images.get(j) : read.get(changedKeys.get(j));
            if (after[i] == null) {
                throw CaptureChecks.conflict("UPDATE", "a row it updated is gone");
            }
        }
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            if (after[i] != null && !after[i].equals(before.get(i))) {
                changes.add(RowChange.update(t.ledgerName(), t.keyOf(before.get(i)), before.get(i), after[i]));
            }
        }
        return changes;
    }

    /**
     * The pieces of the one statement that runs an UPDATE and returns its rows' before-images with the new ones
     * ({@link Backend#updateWithImages}), and the order its parameters are bound in ({@link #lockedReadFirst}),
     * worked out once per statement and table.
     */
    record InOne(String ref, String from, String where, String lock, List<String> keys, int[][] paramRanges) {
    }

    /**
     * The pieces of {@code u}'s one statement on {@code t}, or null where the database has no such statement, or
     * where a column is named like the table's alias or name (which would then name the column, not the row).
     */
    InOne inOne(Analysis.Update u, TableInfo t, List<Analysis.SqlExpr> keyExprs) {
        String ref = u.alias() != null ? u.alias() : t.name();
        String refName = ref.length() > 1 && ref.startsWith("\"") && ref.endsWith("\"") ? ref.substring(1, ref.length() - 1) : ref;
        int[][] ranges = lockedReadFirst(u);
        if (!backend.returnsUpdateImages() || ranges == null || t.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(refName))) {
            return null;
        }
        return new InOne(u.alias() != null ? u.alias() : reads.q(t.name()), reads.from(t) + RowReads.as(u.alias()),
                u.where() == null ? null : backend.lockingWhere(u.where().text()), lock(keyExprs),
                t.primaryKey().stream().map(k -> reads.q(k.name())).toList(), ranges);
    }

    /**
     * Runs the UPDATE as one statement that locks its rows, changes them and returns both images (see
     * {@link Write#instead}); null when it cannot. If the statement fails in a transaction of its own, that was rolled
     * back, and the application's own statement runs as usual and gives its own error (with its own positions) or
     * result, unless the application's statement gives the error alike: a constraint, a conflict, a timeout or lock
     * wait. In the application's transaction (aborted by the error) the error is passed on: the same SQLState and
     * vendor code, a position in the message is one in the driver's statement.
     */
    private <T> Captured<T> inOneStatement(Analysis.Update u, Write<T> w, InOne one) throws SQLException {
        String update = updateClause(w.instead().sql(), u);
        if (update == null) {
            return null;
        }
        TableInfo t = w.table();
        int known = t.columns().size();
        int firstKeyOfLocked = 2 + known + t.columns().indexOf(t.primaryKey().get(0));
        List<RowChange> changes = new ArrayList<>();
        T result;
        try {
            String sql = backend.updateWithImages(update, one.ref(), one.from(), one.where(), one.lock(), one.keys());
            result = w.instead().run(sql, one.paramRanges(), rs -> {
                int columns = (rs.getMetaData().getColumnCount() - 1) / 2; // the count, then the new and the locked row alike
                if (columns != known) {
                    throw new TableChanged(t, "it has " + columns + " columns, " + known + " were known");
                }
                RowReads.requireShape(rs, t, 1, known);
                long locked = 0;
                long changed = 0;
                while (rs.next()) {
                    locked = rs.getLong(1);
                    if (rs.getObject(firstKeyOfLocked) == null) {
                        continue; // the count's own row: nothing changed
                    }
                    changed++;
                    Row after = reads.read(rs, t, 1);
                    Row before = reads.read(rs, t, 1 + known);
                    if (!after.equals(before)) {
                        changes.add(RowChange.update(t.ledgerName(), t.keyOf(before), before, after));
                    }
                }
                if (changed != locked) {
                    throw CaptureChecks.conflict("UPDATE", "it changed " + changed + " of the " + locked + " rows it selected: another "
                            + "transaction changed the key of a row between its snapshot and its lock");
                }
                return changed;
            });
        } catch (TableChanged | CaptureConflict capture) {
            if (w.instead().ownTransaction()) {
                w.context().resultsFromRealStatement(); // rolled back: the session runs the write again, maybe the old way
            }
            throw capture;
        } catch (SQLException e) {
            if (!w.instead().ownTransaction() || givenAlikeByTheApplicationsStatement(e)) {
                throw e;
            }
            w.context().resultsFromRealStatement(); // the application's statement runs after all, and answers itself
            return null;
        }
        return new Captured<>(result, changes);
    }

    /** Errors that carry no position in the statement's text, which the application's own statement gives alike. */
    private static boolean givenAlikeByTheApplicationsStatement(SQLException e) {
        String state = e.getSQLState();
        if (state == null || state.length() != 5) {
            return false;
        }
        return switch (state.substring(0, 2)) {
            case "08", "23", "40", "53", "55", "57" -> true; // connection, constraint, rollback, resources, lock, cancel
            default -> false;
        };
    }

    /**
     * The application's UPDATE without its WHERE ({@code UPDATE t [alias] SET …}, its text as written), or null when
     * its text is not exactly that followed by {@code WHERE} and the condition (a comment or a semicolon in between).
     */
    static String updateClause(String sql, Analysis.Update u) {
        String text = sql.stripTrailing();
        String lastValue = u.assignments().get(u.assignments().size() - 1).value().text();
        if (u.where() != null) {
            String where = u.where().text();
            if (!text.endsWith(where)) {
                return null;
            }
            text = text.substring(0, text.length() - where.length()).stripTrailing();
            int keyword = text.length() - "WHERE".length();
            if (keyword < 1 || !text.regionMatches(true, keyword, "WHERE", 0, 5) || Character.isLetterOrDigit(text.charAt(keyword - 1))
                    || text.charAt(keyword - 1) == '_' || text.charAt(keyword - 1) == '$') {
                return null;
            }
            text = text.substring(0, keyword).stripTrailing();
        }
        return text.endsWith(lastValue) ? text : null;
    }

    /**
     * The application's parameters in the order of the one statement: the WHERE's (in the locked read, first), then
     * the SET list's; null if they are not the SET list's followed by the WHERE's.
     */
    static int[][] lockedReadFirst(Analysis.Update u) {
        int inWhere = u.where() == null ? 0 : u.where().paramCount();
        int inSet = u.paramCount() - inWhere;
        if (inWhere > 0 && u.where().firstParam() != inSet + 1) {
            return null;
        }
        return new int[][] {{inSet + 1, inWhere}, {1, inSet}};
    }

    /**
     * The read of an UPDATE's rows before it runs: the whole rows its WHERE selects, each followed by the new value
     * of every key column it assigns ({@code keyExprs}, null where not assigned).
     */
    String readSql(Analysis.Update u, TableInfo t, List<Analysis.SqlExpr> keyExprs) {
        StringBuilder sql = new StringBuilder("SELECT ").append(reads.selectList(t));
        for (Analysis.SqlExpr e : keyExprs) {
            if (e != null) {
                sql.append(", (").append(e.text()).append(')');
            }
        }
        // The rows read are locked until the transaction ends, so under READ COMMITTED the UPDATE (which
        // re-evaluates its WHERE) can only find more rows than this read, never fewer or other versions: a row
        // committed in between shows in the update count (40001), none slips by unrecorded.
        sql.append(" FROM ").append(reads.from(t)).append(RowReads.as(u.alias())).append(reads.lockingWhere(u.where())).append(lock(keyExprs));
        return sql.toString();
    }

    /**
     * The lock of the read of an UPDATE's rows. PostgreSQL: an UPDATE that keeps the key takes FOR NO KEY UPDATE
     * locks; taking FOR UPDATE here would wait behind foreign-key checks the plain UPDATE does not wait for.
     */
    private String lock(List<Analysis.SqlExpr> keyExprs) {
        boolean keyAssigned = keyExprs.stream().anyMatch(java.util.Objects::nonNull);
        return keyAssigned ? reads.forUpdate() : backend.forUpdateKeepingKey();
    }

    /**
     * MariaDB evaluates SET assignments left to right, so {@code SET a = a + 1, id = a} gives id the NEW a;
     * capture computes new keys from the old row. Such an UPDATE is refused rather than recorded wrongly.
     */
    private void refuseOrderDependentKeyChange(Analysis.Update u, TableInfo t, boolean keyAssigned) throws SQLException {
        if (!backend.assignsLeftToRight() || !keyAssigned) {
            return;
        }
        List<String> assignedBefore = new ArrayList<>();
        for (Analysis.Assignment a : u.assignments()) {
            boolean isKey = t.primaryKey().stream().anyMatch(k -> k.name().equalsIgnoreCase(a.column()));
            if (isKey) {
                for (String earlier : assignedBefore) {
                    if (Pattern.compile("(?i)(?<![\\w`])`?" + Pattern.quote(earlier) + "`?(?![\\w`])")
                            .matcher(a.value().text()).find()) {
                        throw CaptureRefusal.of("an UPDATE whose new key reads a column assigned before it",
                                "MariaDB evaluates SET left to right, so " + a.column() + " = " + a.value().text()
                                        + " sees the new " + earlier + "; assign the key first or in its own UPDATE");
                    }
                }
            }
            assignedBefore.add(a.column());
        }
    }

    /** The value the UPDATE assigns to key column {@code k}, or null when it keeps it. */
    static Analysis.SqlExpr assigned(Analysis.Update u, TableInfo.Column k) {
        for (Analysis.Assignment a : u.assignments()) {
            if (a.quoted() ? a.column().equals(k.name()) : a.column().equalsIgnoreCase(k.name())) {
                return a.value();
            }
        }
        return null;
    }

    private Row newKey(ResultSet rs, TableInfo t, List<Analysis.SqlExpr> keyExprs, Row before) throws SQLException {
        Value[] key = new Value[t.primaryKey().size()];
        int extra = t.columns().size() + 1;
        for (int i = 0; i < key.length; i++) {
            TableInfo.Column k = t.primaryKey().get(i);
            key[i] = keyExprs.get(i) == null ? before.get(k.name()) : reads.readKeyValue(rs, extra++, k);
        }
        return t.keyLayout().row(key);
    }
}
