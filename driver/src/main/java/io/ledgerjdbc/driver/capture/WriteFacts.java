package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import java.util.ArrayList;
import java.util.List;

/**
 * What capture works out from one write statement and its table alone, worked out once instead of per execution:
 * the statement's analysis and the table's metadata are both cached, so a prepared INSERT or UPDATE run thousands
 * of times would otherwise repeat the same column matching and SQL building (a noticeable share of a write on
 * embedded H2). Valid while the table's metadata is (the session drops it when the catalog is invalidated).
 *
 * @param insertColumns   an INSERT into a keyed table: the columns its VALUES rows fill, in order; else null (then
 *                        capture works the INSERT out as it runs, and refuses it there if it must)
 * @param keysGiven       such an INSERT gives its whole key (as values, not DEFAULT): rows are read back by it
 * @param insertKeyExprs  such an INSERT: the key expressions of each VALUES row, in key order, when all are
 *                        parameters or literals; else null
 * @param generatedKey    such an INSERT names columns and leaves the key to the database
 * @param updateRead      an UPDATE of a keyed table: the read of its rows (and new keys) before it runs; else null
 * @param updateKeyExprs  the UPDATE's new value for each key column, null where the key is not assigned
 * @param oneKeyRead      a keyed table: the read of one row by its key, after a write
 * @param updateInOne     an UPDATE of a keyed table, where the database can run it so that it returns its rows'
 *                        before-images ({@link io.ledgerjdbc.driver.backend.Backend#updateWithImages}): the pieces of
 *                        that statement; else null
 */
public record WriteFacts(List<TableInfo.Column> insertColumns, boolean keysGiven, List<List<Analysis.SqlExpr>> insertKeyExprs,
                         boolean generatedKey, String updateRead, List<Analysis.SqlExpr> updateKeyExprs, String oneKeyRead,
                         UpdateCapture.InOne updateInOne) {

    /** Nothing precomputed: capture works everything out as it runs. */
    public static final WriteFacts NONE = new WriteFacts(null, false, null, false, null, null, null, null);

    /**
     * The facts of {@code a} on {@code t}. Never throws: whatever capture would refuse or fail on is left out, so
     * the refusal or failure comes from the same place and at the same point as without facts.
     */
    static WriteFacts of(RowReads reads, UpdateCapture updates, Analysis a, TableInfo t) {
        try {
            return compute(reads, updates, a, t);
        } catch (java.sql.SQLException | RuntimeException leftToCapture) {
            return NONE; // e.g. an INSERT naming an unknown column: capture refuses it as it runs, as without facts
        }
    }

    private static WriteFacts compute(RowReads reads, UpdateCapture updates, Analysis a, TableInfo t) throws java.sql.SQLException {
        if (!t.hasPrimaryKey()) {
            return NONE;
        }
        String oneKeyRead = reads.readByKeysSql(t, 1);
        if (a instanceof Analysis.Insert ins) {
            List<TableInfo.Column> columns = List.copyOf(InsertCapture.insertColumns(ins.columns(), t));
            boolean defaulted = InsertCapture.keyDefaulted(ins, t);
            boolean keysGiven = t.primaryKey().stream().allMatch(columns::contains) && !defaulted;
            return new WriteFacts(columns, keysGiven, keysGiven ? keyExpressions(ins, t, columns) : null,
                    InsertCapture.generatesKey(ins, t), null, null,
                    oneKeyRead, null);
        }
        if (a instanceof Analysis.Update u) {
            List<Analysis.SqlExpr> keyExprs = new ArrayList<>();
            for (TableInfo.Column k : t.primaryKey()) {
                keyExprs.add(UpdateCapture.assigned(u, k));
            }
            return new WriteFacts(null, false, null, false, updates.readSql(u, t, keyExprs),
                    java.util.Collections.unmodifiableList(keyExprs), oneKeyRead, updates.inOne(u, t, keyExprs));
        }
        return new WriteFacts(null, false, null, false, null, null, oneKeyRead, null);
    }

    /** Each VALUES row's key expressions, or null when one is an expression (capture refuses that as it runs). */
    private static List<List<Analysis.SqlExpr>> keyExpressions(Analysis.Insert ins, TableInfo t, List<TableInfo.Column> columns) {
        List<List<Analysis.SqlExpr>> out = new ArrayList<>(ins.rows().size());
        try {
            for (List<Analysis.SqlExpr> values : ins.rows()) {
                out.add(java.util.Collections.unmodifiableList(InsertCapture.keyExpressions(values, t, columns)));
            }
        } catch (java.sql.SQLException refused) {
            return null;
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
