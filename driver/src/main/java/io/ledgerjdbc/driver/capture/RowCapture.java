package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.sql.Analysis;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The entry point of capture for one database: hands each kind of write to the class that captures it
 * ({@link InsertCapture}, {@link UpdateCapture}, {@link DeleteCapture}, {@link UpsertCapture},
 * {@link QueryInsertCapture}, {@link MergeCapture}, {@link KeylessCapture}) and holds what they share
 * ({@link RowReads}, {@link ChangedRows}).
 *
 * <p>Every capture runs around the write's real execution, inside the caller's transaction: the rows a WHERE
 * selects are read (and locked, where the database can) before the write, the rows as stored are read back by
 * primary key after it. So defaults, generated keys, {@code NOW()} and {@code RANDOM()} are recorded as the values
 * stored. The rows recorded are exactly the rows the statement changed (how, per database, at
 * {@link UpdateCapture}); where that cannot be established the write raced with another transaction and is reported
 * as a serialization failure (40001), and the transaction rolls back.
 *
 * <p>Threading: one instance per database, shared by its connections; each connection is used by one thread at a
 * time, and the per-connection state (the statement cache, {@link #attach}) is kept in a concurrent map.
 */
public final class RowCapture {

    private final SqlDialect dialect;
    private final RowReads reads;
    private final ChangedRows changedRows;
    private final KeylessCapture keyless;
    private final InsertCapture inserts;
    private final UpdateCapture updates;
    private final DeleteCapture deletes;
    private final UpsertCapture upserts;
    private final QueryInsertCapture queryInsert;
    private final MergeCapture merge;
    private final InsertReadBack insertReadBack;

    /** Opens a connection of its own to the same database, which sees only what other transactions committed. */
    @FunctionalInterface
    public interface CommittedReads {
        Connection open() throws SQLException;
    }

    private volatile CommittedReads committedReads;

    public RowCapture(SqlDialect dialect) {
        Backend backend = Backend.of(dialect);
        this.dialect = dialect;
        this.reads = new RowReads(dialect, backend);
        this.changedRows = new ChangedRows(backend);
        this.keyless = new KeylessCapture(reads, dialect);
        this.inserts = new InsertCapture(backend, reads, keyless);
        this.updates = new UpdateCapture(backend, reads, changedRows, keyless);
        this.deletes = new DeleteCapture(backend, reads, changedRows);
        this.upserts = new UpsertCapture(reads);
        this.queryInsert = new QueryInsertCapture(reads, keyless, dialect);
        this.merge = new MergeCapture(this, reads, dialect);
        this.insertReadBack = new InsertReadBack(reads);
    }

    /** Where capture reads the committed state when its own transaction cannot tell (H2 MERGE, see {@link MergeCapture}). */
    public void committedReads(CommittedReads reads) {
        this.committedReads = reads;
    }

    CommittedReads committedReads() {
        return committedReads;
    }

    /** The reads every capture shares (also {@link ReferentialActions}'). */
    RowReads reads() {
        return reads;
    }

    /** Capture reads on {@code c} use {@code statements} until {@link #detach}. */
    public void attach(Connection c, CaptureStatements statements) {
        reads.attach(c, statements);
    }

    public void detach(Connection c) {
        reads.detach(c);
    }

    /** The facts capture can work out once for {@code a} on {@code t} (see {@link WriteFacts}). */
    public WriteFacts facts(Analysis a, TableInfo t) {
        return WriteFacts.of(reads, updates, a, t);
    }

    /** What to ask the statement for, per database (see {@link ChangedRows}). */
    public ChangedRows changedRows() {
        return changedRows;
    }

    /** An INSERT … VALUES: see {@link InsertCapture}. */
    public <T> Captured<T> insert(Analysis.Insert ins, Write<T> w) throws SQLException {
        return inserts.capture(ins, w);
    }

    /** An UPDATE: see {@link UpdateCapture}. */
    public <T> Captured<T> update(Analysis.Update u, Write<T> w) throws SQLException {
        return updates.capture(u, w);
    }

    /** A DELETE: see {@link DeleteCapture}. */
    public <T> Captured<T> delete(Analysis.Delete d, Write<T> w) throws SQLException {
        return deletes.capture(d, w);
    }

    /** An upsert: see {@link UpsertCapture}. */
    public <T> Captured<T> upsert(Analysis.Upsert upsert, Write<T> w) throws SQLException {
        return upserts.capture(upsert, w);
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

    /**
     * The rows INSERTs made with their whole key given, as stored, compared by the database by the statements' own
     * key expressions (so a literal's type and value are the database's, not ours); their changes in order.
     */
    public List<RowChange> readInserted(Connection c, List<InsertedRow> rows) throws SQLException {
        return insertReadBack.read(c, rows);
    }

    /** Every row of the table (to adopt a table the ledger has not seen yet). */
    public List<Row> readAll(Connection c, TableInfo t) throws SQLException {
        return reads.readAll(c, t);
    }

    /**
     * Whether an INSERT that names its columns leaves its primary key to the database (see
     * {@link InsertCapture#generatesKey}).
     */
    public static boolean generatesKey(Analysis.Insert ins, TableInfo t) {
        return InsertCapture.generatesKey(ins, t);
    }

    /** Whether the single key column is named but given as {@code DEFAULT} (see {@link InsertCapture#keyDefaulted}). */
    public static boolean keyDefaulted(Analysis.Insert ins, TableInfo t) {
        return InsertCapture.keyDefaulted(ins, t);
    }
}
