package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.backend.RowSql;
import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures the row images of one INSERT, UPDATE or DELETE around its real execution, inside the caller's
 * transaction: the rows a WHERE selects are read (and locked, where the database can) before the write, the
 * rows as stored are read back by primary key after it. So defaults, generated keys, {@code NOW()} and
 * {@code RANDOM()} are recorded as the values stored. The rows recorded are exactly the rows the statement
 * changed (how, per database, at {@link #update}); where that cannot be established the write raced with another
 * transaction and is reported as a serialization failure (40001), and the transaction rolls back.
 */
public final class RowCapture {

    private static final int KEYS_PER_QUERY = 200;

    private final SqlDialect dialect;
    private final Backend backend;
    private final RowSql rowSql;
    private final KeylessCapture keyless;
    private final QueryInsertCapture queryInsert;
    private final MergeCapture merge;
    private final InsertReadBack insertReadBack = new InsertReadBack(this);
    private final ChangedRows changedRows;

    /** Opens a connection of its own to the same database, which sees only what other transactions committed. */
    @FunctionalInterface
    public interface CommittedReads {
        Connection open() throws SQLException;
    }

    private volatile CommittedReads committedReads;

    /** Where capture reads the committed state when its own transaction cannot tell (H2 MERGE, see {@link MergeCapture}). */
    public void committedReads(CommittedReads reads) {
        this.committedReads = reads;
    }

    CommittedReads committedReads() {
        return committedReads;
    }

    public RowCapture(SqlDialect dialect) {
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
        this.rowSql = new RowSql(backend);
        this.changedRows = new ChangedRows(backend);
        this.keyless = new KeylessCapture(this, dialect);
        this.queryInsert = new QueryInsertCapture(this, keyless, dialect);
        this.merge = new MergeCapture(this, dialect);
    }

    /** {@code INSERT INTO t [(columns)] query}: see {@link QueryInsertCapture}. */
    public <T> Captured<T> insertSelect(Analysis.InsertSelect ins, Write<T> w) throws SQLException {
        return queryInsert.capture(ins, w);
    }

    /** A standard MERGE: see {@link MergeCapture}. */
    public <T> Captured<T> merge(Analysis.Merge m, Write<T> w) throws SQLException {
        return merge.capture(m, w);
    }

    /**
     * Before an INSERT into a table without a primary key runs: whether it can be followed, and (PostgreSQL)
     * whether the statement returns its rows.
     */
    public void refuseUnfollowableKeylessInsert(String what, TableInfo t) throws SQLException {
        keyless.refuseUnfollowable(what, t);
    }

    /** PostgreSQL: the rows an INSERT made, by the ctids it returned. */
    public List<Row> rowsByCtid(Connection c, TableInfo t, List<String> ctids) throws SQLException {
        return keyless.rowsByCtid(c, t, ctids);
    }

    /** Whether capture needs the rows an INSERT returns (PostgreSQL, a table without a primary key). */
    public boolean needsReturnedRows(TableInfo t) {
        return !t.hasPrimaryKey() && KeylessCapture.rowIdColumn(dialect) == null;
    }

    private static final java.util.regex.Pattern VOLATILE = java.util.regex.Pattern.compile(
            "(?i)\\b(random|rand|uuid|gen_random_uuid|random_uuid|uuid_generate_v4|newid|clock_timestamp|sys_guid)\\s*\\(");

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

    /** The facts capture can work out once for {@code a} on {@code t} (see {@link WriteFacts}). */
    public WriteFacts facts(Analysis a, TableInfo t) {
        return WriteFacts.of(this, a, t);
    }

    /**
     * An UPDATE: the rows its WHERE selects are read and locked first (their before-images and new keys), then it
     * runs. The rows it changed are then known exactly:
     * <ul>
     *   <li>from the statement itself where it returns them ({@code changed}, see {@link ChangedRows}: PostgreSQL
     *       the new images, H2 the keys): each must be one of the rows read and locked before, whose image is
     *       then its exact before-image (nobody else could change it in between); a row it changed that was not
     *       read before (it entered the WHERE's rows in between) fails the statement with 40001. Rows read but
     *       not changed (they left the WHERE's rows) are simply not recorded.</li>
     *   <li>MariaDB: its locking read is a current read at every isolation level, and locks the rows it reads,
     *       the subqueries' rows too (see {@link io.ledgerjdbc.driver.backend.MariaDbSubqueryLocks}); so until the UPDATE (itself a current read)
     *       runs, no row the WHERE depends on can change: the rows read still match it, the UPDATE changes at least
     *       them, and the update count tells whether it changed more (40001).</li>
     *   <li>SQLite: one writer per database file, and the session takes the write lock before the read
     *       (LedgerSession#takeSqliteWriteLock): nothing can change between the read and the write.</li>
     * </ul>
     *
     * <p>The rows the statement returned are read from {@code w.results()}: whole rows (PostgreSQL, a table without
     * a primary key; see KeylessCapture), or what it returned of the rows it changed where
     * {@link Write#returnsChangedRows} (see {@link ChangedRows}).
     */
    public <T> Captured<T> update(Analysis.Update u, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        WriteFacts facts = w.facts();
        refuseUncapturable("UPDATE", t, u.where());
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
        String sql = facts.updateRead() != null ? facts.updateRead() : updateReadSql(u, t, keyExprs);
        List<Row> before = new ArrayList<>();
        List<Row> newKeys = new ArrayList<>();
        try (Read r = read(c, sql)) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (Analysis.SqlExpr e : keyExprs) {
                if (e != null) at = bind(ps, params, e, at);
            }
            bind(ps, params, u.where(), at);
            try (ResultSet rs = ps.executeQuery()) {
                requireShape(rs, t, 0, keysAssigned);
                while (rs.next()) {
                    Row row = read(rs, t);
                    before.add(row);
                    newKeys.add(newKey(rs, t, keyExprs, row));
                }
            }
        }
        T result = call.call();
        if (w.returnsChangedRows()) {
            return new Captured<>(result, changedExactly(c, t, ctx, result, before, newKeys, w.results(), facts));
        }
        requireCount(result, ctx, before.size(), "UPDATE");
        Map<Row, Row> after = readByKeys(c, t, newKeys, facts.oneKeyRead());
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            Row a = after.get(newKeys.get(i));
            if (a == null) {
                throw conflict("UPDATE", "a row it updated is gone");
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
                images = changedRows.rows(this, rs, t);
                for (Row a : images) changedKeys.add(t.keyOf(a));
            } else {
                changedKeys.addAll(changedRows.keys(rs, t));
            }
        }
        long count = updateCount(result, ctx);
        if (count != changedKeys.size()) {
            throw conflict("UPDATE", "it reported " + count + " rows changed but returned " + changedKeys.size());
        }
        Map<Row, Row> read = images != null ? null : readByKeys(c, t, changedKeys, facts.oneKeyRead());
        for (int j = 0; j < changedKeys.size(); j++) {
            Integer i = readAt.get(changedKeys.get(j));
            if (i == null || after[i] != null) {
                throw conflict("UPDATE", "it changed a row that was not among the rows its WHERE selected just before "
                        + "(another transaction moved it there meanwhile)");
            }
            after[i] = images != null ? images.get(j) : read.get(changedKeys.get(j));
            if (after[i] == null) {
                throw conflict("UPDATE", "a row it updated is gone");
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

    /** What to ask the statement for, per database (see {@link ChangedRows}). */
    public ChangedRows changedRows() {
        return changedRows;
    }

    /**
     * The read of an UPDATE's rows before it runs: the whole rows its WHERE selects, each followed by the new value
     * of every key column it assigns ({@code keyExprs}, null where not assigned).
     */
    String updateReadSql(Analysis.Update u, TableInfo t, List<Analysis.SqlExpr> keyExprs) {
        StringBuilder sql = new StringBuilder("SELECT ").append(selectList(t));
        boolean keyAssigned = false;
        for (Analysis.SqlExpr e : keyExprs) {
            if (e != null) {
                sql.append(", (").append(e.text()).append(')');
                keyAssigned = true;
            }
        }
        // The rows read are locked until the transaction ends, so under READ COMMITTED the UPDATE (which
        // re-evaluates its WHERE) can only find more rows than this read, never fewer or other versions: a row
        // committed in between shows in the update count (40001), none slips by unrecorded.
        // PostgreSQL: an UPDATE that keeps the key takes FOR NO KEY UPDATE locks; taking FOR UPDATE here would
        // wait behind foreign-key checks the plain UPDATE does not wait for.
        String lock = !keyAssigned ? backend.forUpdateKeepingKey() : forUpdate();
        sql.append(" FROM ").append(from(t)).append(as(u.alias())).append(lockingWhere(u.where())).append(lock);
        return sql.toString();
    }

    /**
     * A DELETE. Where the statement returns the rows it deleted ({@code changed}: PostgreSQL {@code RETURNING *})
     * those are the images, exactly, and nothing is read. Elsewhere the rows its WHERE selects are read and locked
     * first; on H2 (whose locking read can return a row that has just left the WHERE's rows, see ChangedRows) the
     * rows read are then looked up again: all gone and as many as the count means the DELETE removed exactly them
     * (each stays locked by this transaction, so no one else removed it), otherwise 40001. MariaDB and SQLite are
     * exact for the reasons given at {@link #update}.
     */
    public <T> Captured<T> delete(Analysis.Delete d, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        refuseUncapturable("DELETE", t, d.where());
        if (w.returnsChangedRows()) {
            T result = call.call();
            List<Row> deleted;
            try (ResultSet rs = w.results().changedRows()) {
                deleted = changedRows.rows(this, rs, t);
            }
            requireCount(result, ctx, deleted.size(), "DELETE");
            List<RowChange> changes = new ArrayList<>(deleted.size());
            for (Row row : deleted) {
                changes.add(RowChange.delete(t.ledgerName(), t.keyOf(row), row));
            }
            return new Captured<>(result, changes);
        }
        String sql = "SELECT " + selectList(t) + " FROM " + from(t) + as(d.alias()) + lockingWhere(d.where()) + forUpdate();
        List<Row> before = new ArrayList<>();
        try (Read r = read(c, sql)) {
            PreparedStatement ps = r.ps();
            bind(ps, params, d.where(), 1);
            try (ResultSet rs = ps.executeQuery()) {
                requireShape(rs, t, 0, 0);
                while (rs.next()) {
                    before.add(read(rs, t));
                }
            }
        }
        T result = call.call();
        requireCount(result, ctx, before.size(), "DELETE");
        if (!backend.lockedReadIsTheWritesRows() && t.hasPrimaryKey() && !before.isEmpty()) {
            List<Row> keys = new ArrayList<>(before.size());
            for (Row row : before) keys.add(t.keyOf(row));
            if (!readByKeys(c, t, keys).isEmpty()) {
                throw conflict("DELETE", "a row its WHERE selected just before is still there, so it deleted another "
                        + "(another transaction moved it there meanwhile)");
            }
        }
        List<RowChange> changes = new ArrayList<>(before.size());
        for (Row row : before) {
            changes.add(RowChange.delete(t.ledgerName(), t.keyOf(row), row));
        }
        return new Captured<>(result, changes);
    }

    /**
     * An INSERT … VALUES. Keys come from the statement when it gives every key column as a parameter or a
     * literal, otherwise from the generated keys (a single generated key column).
     */
    public <T> Captured<T> insert(Analysis.Insert ins, Write<T> w) throws SQLException {
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        ExecutionContext ctx = w.context();
        RealCall<T> call = w.call();
        WriteFacts facts = w.facts();
        refuseUncapturable("INSERT", t, null);
        if (!t.hasPrimaryKey()) {
            return keyless.insert("INSERT", w);
        }
        List<TableInfo.Column> columns = facts.insertColumns();
        boolean keysGiven;
        if (columns != null) {
            keysGiven = facts.keysGiven();
        } else {
            columns = insertColumns(ins, t);
            keysGiven = t.primaryKey().stream().allMatch(columns::contains) && !keyDefaulted(ins, t);
        }
        if (!keysGiven && (t.primaryKey().size() != 1)) {
            throw CaptureRefusal.of("INSERT without its composite primary key", "only a single generated key column can be read back");
        }
        T result = call.call();
        requireCount(result, ctx, ins.rows().size(), "INSERT");
        if (keysGiven) {
            // read back later, batched with the transaction's other inserted rows (see InsertReadBack)
            List<InsertedRow> toRead = new ArrayList<>(ins.rows().size());
            List<List<Analysis.SqlExpr>> keyExprs = facts.insertKeyExprs();
            for (int i = 0; i < ins.rows().size(); i++) {
                toRead.add(new InsertedRow(t, keyExprs != null ? keyExprs.get(i) : keyExpressions(ins.rows().get(i), t, columns), params));
            }
            return new Captured<>(result, List.of(), toRead);
        }
        List<RowChange> changes = new ArrayList<>(ins.rows().size());
        List<Row> keys = w.results().generatedKeys(t, ins.rows().size());
        if (keys.size() != ins.rows().size()) {
            // not a race: retrying cannot help, so not 40001
            throw CaptureRefusal.of("an INSERT whose generated keys cannot be read back", "the database returned "
                    + keys.size() + " generated keys for " + ins.rows().size() + " rows; give the key explicitly or let an "
                    + "AUTO_INCREMENT/IDENTITY/SERIAL column generate it");
        }
        Map<Row, Row> stored = readByKeys(c, t, keys, facts.oneKeyRead());
        for (Row key : keys) {
            Row row = stored.get(key);
            if (row == null) {
                throw conflict("INSERT", "an inserted row cannot be found by its key " + key);
            }
            changes.add(RowChange.insert(t.ledgerName(), key, row));
        }
        return new Captured<>(result, changes);
    }

    /**
     * An upsert, recorded by the primary-key values it names: each named row is read (and locked) before and
     * after the statement; a row that appeared is an INSERT, one that changed an UPDATE, one that vanished a
     * DELETE. Sound only when the primary key is the table's one unique constraint (so no other row can be
     * hit) and every row gives its whole key as a value or parameter; anything else is refused.
     */
    public <T> Captured<T> upsert(Analysis.Upsert upsert, Write<T> w) throws SQLException {
        Analysis.Insert ins = upsert.core();
        String construct = upsert.construct();
        Connection c = w.connection();
        TableInfo t = w.table();
        Params params = w.params();
        RealCall<T> call = w.call();
        refuseUncapturable(construct, t, null);
        if (!t.hasPrimaryKey() || t.otherUniqueKeys()) {
            throw CaptureRefusal.of(construct + " on " + t.ledgerName(), !t.hasPrimaryKey() ? "the table has no primary key"
                    : "the table has unique constraints besides its primary key, so the row it hits cannot be known in advance");
        }
        List<TableInfo.Column> columns = insertColumns(ins, t);
        if (!t.primaryKey().stream().allMatch(columns::contains)) {
            throw CaptureRefusal.of(construct + " without its primary key", "capture finds the rows an upsert touches by the key it names");
        }
        List<List<Analysis.SqlExpr>> keys = new ArrayList<>();
        List<Row> before = new ArrayList<>();
        for (List<Analysis.SqlExpr> values : ins.rows()) {
            List<Analysis.SqlExpr> k = keyExpressions(values, t, columns);
            keys.add(k);
            before.add(findRowByKeyExpressions(c, t, k, params, forUpdate()));
        }
        T result = call.call();
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Row b = before.get(i);
            Row a = findRowByKeyExpressions(c, t, keys.get(i), params, "");
            if (b == null && a != null) {
                changes.add(RowChange.insert(t.ledgerName(), t.keyOf(a), a));
            } else if (b != null && a == null) {
                changes.add(RowChange.delete(t.ledgerName(), t.keyOf(b), b));
            } else if (b != null && !b.equals(a)) {
                changes.add(RowChange.update(t.ledgerName(), t.keyOf(b), b, a));
            }
            if (b == null && a != null) {
                before.set(i, a); // a later row of the same statement with the same key now finds this one
                for (int j = i + 1; j < keys.size(); j++) {
                    if (keys.get(j).equals(keys.get(i))) before.set(j, a);
                }
            }
        }
        return new Captured<>(result, changes);
    }

    /** The row whose key equals the key expressions (compared by the database), or null. */
    private Row findRowByKeyExpressions(Connection c, TableInfo t, List<Analysis.SqlExpr> keyExprs, Params params, String lock)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(selectList(t)).append(" FROM ").append(from(t)).append(" WHERE ");
        for (int i = 0; i < t.primaryKey().size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(q(t.primaryKey().get(i).name())).append(" = ").append(keyExprs.get(i).text());
        }
        sql.append(lock);
        try (Read r = read(c, sql.toString())) {
            PreparedStatement ps = r.ps();
            int at = 1;
            for (Analysis.SqlExpr e : keyExprs) at = bind(ps, params, e, at);
            try (ResultSet rs = ps.executeQuery()) {
                requireShape(rs, t, 0, 0);
                return rs.next() ? read(rs, t) : null;
            }
        }
    }

    private List<TableInfo.Column> insertColumns(Analysis.Insert ins, TableInfo t) throws SQLException {
        return insertColumns(ins.columns(), t);
    }

    static List<TableInfo.Column> insertColumns(List<String> names, TableInfo t) throws SQLException {
        if (names.isEmpty()) {
            return t.columns();
        }
        List<TableInfo.Column> out = new ArrayList<>();
        for (String name : names) {
            TableInfo.Column col = t.column(name);
            if (col == null) {
                throw CaptureRefusal.of("INSERT naming an unknown column", "column " + name + " is not in " + t.ledgerName());
            }
            out.add(col);
        }
        return out;
    }

    /**
     * Whether an INSERT that names its columns leaves its primary key to the database: a key column left out, or
     * given as {@code DEFAULT} (see {@link #keyDefaulted}).
     */
    public static boolean generatesKey(Analysis.Insert ins, TableInfo t) {
        if (!t.hasPrimaryKey() || ins.columns().isEmpty()) {
            return false;
        }
        return t.primaryKey().stream().anyMatch(k -> ins.columns().stream().noneMatch(c -> c.equalsIgnoreCase(k.name())))
                || keyDefaulted(ins, t);
    }

    /**
     * Whether the single key column is named but given the value {@code DEFAULT} in every row, so that the
     * database generates it, exactly as if it were left out (Hibernate writes IDENTITY inserts on H2 so).
     */
    public static boolean keyDefaulted(Analysis.Insert ins, TableInfo t) {
        if (t.primaryKey().size() != 1 || ins.columns().isEmpty()) {
            return false;
        }
        int at = -1;
        for (int i = 0; i < ins.columns().size(); i++) {
            if (ins.columns().get(i).equalsIgnoreCase(t.primaryKey().get(0).name())) at = i;
        }
        if (at < 0) {
            return false;
        }
        for (List<Analysis.SqlExpr> row : ins.rows()) {
            if (!row.get(at).text().strip().equalsIgnoreCase("DEFAULT")) return false;
        }
        return true;
    }

    /** The key expressions of one VALUES row, which must be parameters or literals. */
    static List<Analysis.SqlExpr> keyExpressions(List<Analysis.SqlExpr> values, TableInfo t, List<TableInfo.Column> columns)
            throws SQLException {
        List<Analysis.SqlExpr> keyExprs = new ArrayList<>();
        for (TableInfo.Column k : t.primaryKey()) {
            Analysis.SqlExpr e = values.get(columns.indexOf(k));
            if (e.kind() == Analysis.ExprKind.EXPRESSION) {
                throw CaptureRefusal.of("INSERT with a primary key given by an expression",
                        "the key " + k.name() + " = " + e.text() + " cannot be found again; pass it as a value or parameter");
            }
            keyExprs.add(e);
        }
        return keyExprs;
    }

    /**
     * The rows INSERTs made with their whole key given, as stored, compared by the database by the statements' own
     * key expressions (so a literal's type and value are the database's, not ours); their changes in order.
     */
    public List<RowChange> readInserted(Connection c, List<InsertedRow> rows) throws SQLException {
        return insertReadBack.read(c, rows);
    }

    /** Every row of the table (to adopt a table the ledger has not seen yet). */
    public List<Row> readAll(Connection c, TableInfo t) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = prepareRead(c, "SELECT " + selectList(t) + " FROM " + from(t));
             ResultSet rs = ps.executeQuery()) {
            requireShape(rs, t, 0, 0);
            while (rs.next()) {
                rows.add(read(rs, t));
            }
        }
        return rows;
    }

    /** Reads full rows by key, a few hundred keys per query. */
    Map<Row, Row> readByKeys(Connection c, TableInfo t, List<Row> keys) throws SQLException {
        return readByKeys(c, t, keys, null);
    }

    /** {@code oneKeyRead}: {@link #readByKeysSql readByKeysSql(t, 1)} worked out earlier, or null. */
    Map<Row, Row> readByKeys(Connection c, TableInfo t, List<Row> keys, String oneKeyRead) throws SQLException {
        Map<Row, Row> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<Row> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            String sql = part.size() == 1 && oneKeyRead != null ? oneKeyRead : readByKeysSql(t, part.size());
            try (Read r = read(c, sql)) {
                PreparedStatement ps = r.ps();
                int at = 1;
                for (Row key : part) {
                    for (TableInfo.Column k : t.primaryKey()) {
                        Values.bind(ps, at++, key.get(k.name()), k, dialect);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    requireShape(rs, t, 0, 0);
                    while (rs.next()) {
                        Row row = read(rs, t);
                        out.put(t.keyOf(row), row);
                    }
                }
            }
        }
        return out;
    }

    /** The read of {@code rows} whole rows by their keys. */
    String readByKeysSql(TableInfo t, int rows) {
        return rowSql.selectByKeys(from(t), selectList(t), t.primaryKey().stream().map(TableInfo.Column::name).toList(), rows);
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
                    if (java.util.regex.Pattern.compile("(?i)(?<![\\w`])`?" + java.util.regex.Pattern.quote(earlier) + "`?(?![\\w`])")
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
            key[i] = keyExprs.get(i) == null ? before.get(k.name()) : Values.read(rs, extra++, k, dialect);
        }
        return t.keyLayout().row(key);
    }

    Row read(ResultSet rs, TableInfo t) throws SQLException {
        return read(rs, t, 0);
    }

    /** The row in the table's columns after the first {@code offset} columns of the result. */
    Row read(ResultSet rs, TableInfo t, int offset) throws SQLException {
        List<TableInfo.Column> columns = t.columns();
        Value[] values = new Value[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Values.read(rs, offset + i + 1, columns.get(i), dialect);
        }
        return t.rowLayout().row(values);
    }

    static int bind(PreparedStatement ps, Params params, Analysis.SqlExpr e, int at) throws SQLException {
        if (e == null || e.paramCount() == 0) {
            return at;
        }
        params.bindRange(ps, e.firstParam(), e.paramCount(), at);
        return at + e.paramCount();
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

    /**
     * Every column, as {@code *} rather than by name: a column another process added since the metadata was
     * cached then shows up, and {@link #requireShape} notices it instead of leaving it out of the image.
     */
    String selectList(TableInfo t) {
        return selectList(t, null);
    }

    String selectList(TableInfo t, String qualifier) {
        return qualifier == null ? "*" : qualifier + ".*";
    }

    /**
     * Prepares a capture read. PostgreSQL: never as a named server-side statement, because pgjdbc prepares a
     * repeated statement on the server, and after an ALTER TABLE the cached {@code SELECT *} would fail with
     * "cached plan must not change result type", aborting the whole transaction.
     */
    PreparedStatement prepareRead(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        backend.prepareRead(ps);
        return ps;
    }

    /** The statements cached per connection, for connections whose session registered them. */
    private final Map<Connection, CaptureStatements> cached = new java.util.concurrent.ConcurrentHashMap<>();

    /** Capture reads on {@code c} use {@code statements} until {@link #detach}. */
    public void attach(Connection c, CaptureStatements statements) {
        cached.put(c, statements);
    }

    public void detach(Connection c) {
        cached.remove(c);
    }

    /** A capture read: the connection's cached statement, or (no cache registered) a fresh one closed after use. */
    record Read(PreparedStatement ps, boolean owned) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (owned) {
                ps.close();
            }
        }
    }

    /** Like {@link #prepareRead}, but from the connection's statement cache when its session keeps one. */
    Read read(Connection c, String sql) throws SQLException {
        CaptureStatements statements = cached.get(c);
        return statements == null ? new Read(prepareRead(c, sql), true) : new Read(statements.get(sql, this::prepareRead), false);
    }

    /**
     * Checks that a result's columns from {@code offset + 1} are exactly the table's cached columns, followed by
     * {@code extra} computed ones.
     */
    static void requireShape(ResultSet rs, TableInfo t, int offset, int extra) throws SQLException {
        java.sql.ResultSetMetaData md = rs.getMetaData();
        int expected = offset + t.columns().size() + extra;
        if (md.getColumnCount() != expected) {
            throw new TableChanged(t, "it has " + (md.getColumnCount() - offset - extra) + " columns, " + t.columns().size() + " were known");
        }
        for (int i = 0; i < t.columns().size(); i++) {
            String name = md.getColumnName(offset + i + 1);
            if (!t.columns().get(i).name().equalsIgnoreCase(name)) {
                throw new TableChanged(t, "column " + (i + 1) + " is " + name + ", not " + t.columns().get(i).name());
            }
        }
    }

    String from(TableInfo t) {
        return t.ledgerName().equals(t.name()) ? q(t.name()) : q(t.schema()) + "." + q(t.name());
    }

    /** The write's own alias, so that its WHERE and SET expressions mean the same in capture's SELECT. */
    static String as(String alias) {
        return alias == null ? "" : " " + alias;
    }

    /** The WHERE of a locking read of a write's rows: on MariaDB its subqueries lock too (see Backend#lockingWhere). */
    private String lockingWhere(Analysis.SqlExpr where) {
        return where == null ? "" : " WHERE " + backend.lockingWhere(where.text());
    }

    private static String where(Analysis.SqlExpr where) {
        return where == null ? "" : " WHERE " + where.text();
    }

    String forUpdate() {
        return backend.forUpdate();
    }

    String q(String identifier) {
        return backend.quote(identifier);
    }
}
