package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.ledger.store.LedgerMeta;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.backend.RowSql;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import io.ledgerjdbc.ledger.store.StoredEntry;
import io.ledgerjdbc.replication.Outcome;
import io.ledgerjdbc.replication.Replica;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the cluster's write-sets to this node's database, on its own connection, one local transaction per
 * write-set holding its changes, its ledger entry and the ordinal (see {@link Replica} for the contract).
 *
 * <p>Certification is the before-image check: every row a write-set updates or deletes must still be exactly
 * the row the transaction read (read here through the same typed reader capture uses, so an unchanged row
 * always compares equal), and every row it inserts must not exist. Any mismatch means a transaction ordered
 * earlier changed the row first: the write-set is rejected on every node alike (SQLState 40001).
 */
public final class ClusterApplier implements Replica {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterApplier.class);
    private static final String ORDINAL_KEY = "raft_ordinal";
    /** The cluster and Raft log {@code raft_ordinal} counts in (see {@link Replica}, Idempotence). */
    private static final String CLUSTER_KEY = "cluster_id";
    private static final String LOG_KEY = "raft_log";
    /** How long a write-set waits out a busy database or a lock held by a local transaction before it gives up. */
    private static final long TRANSIENT_RETRY_MILLIS = 60_000;

    private final Connection c;
    private final SqlDialect dialect;
    private final Backend backend;
    private final RowSql rows;
    private final LedgerStore store;
    private final TableCatalog catalog;
    private final Runnable afterDdl;
    private volatile AppliedPosition applied;
    private final IdentityAdvance identities;
    private final NodeKeys keys;
    private final io.ledgerjdbc.driver.replay.Replayer replayer;
    private io.ledgerjdbc.replication.ClusterStatus lastPublished;
    private PreparedStatement insertEntry;
    private final StatementCache statements;
    private final RowCertifier certifier;
    private volatile LedgerHead head;

    /** Told, on the applying thread, the head each applied write-set produced; it must not throw. */
    @FunctionalInterface
    public interface AfterApply {
        void applied(Connection c, LedgerHead head);
    }

    private final AfterApply afterApply;

    /**
     * @param c          a connection of its own to the node's database (this applier closes it)
     * @param afterDdl   told after every applied DDL, so the node's sessions refresh their table metadata
     * @param afterApply told after every committed write-set (automatic digests), with the applier's connection
     */
    public ClusterApplier(Connection c, SqlDialect dialect, NodeKeys keys, Runnable afterDdl, AfterApply afterApply) throws SQLException {
        this.afterApply = afterApply;
        this.keys = keys;
        this.c = c;
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
        this.rows = new RowSql(backend);
        this.store = new LedgerStore(dialect);
        this.catalog = new TableCatalog(dialect);
        this.afterDdl = afterDdl;
        this.identities = new IdentityAdvance(dialect, catalog);
        this.replayer = new io.ledgerjdbc.driver.replay.Replayer(dialect);
        this.statements = new StatementCache(c);
        this.certifier = new RowCertifier(c, dialect, rows, catalog, statements);
        createSignatureTable();
        if (backend.needsWriteAheadLog()) {
            useWriteAheadLog();
        }
        c.setAutoCommit(false);
        this.head = store.readHead(c);
        String ordinal = readMeta(ORDINAL_KEY);
        if (ordinal == null) {
            writeMeta(ORDINAL_KEY, "0"); // the row every apply updates
        }
        String cluster = readMeta(CLUSTER_KEY);
        String log = readMeta(LOG_KEY);
        this.applied = new AppliedPosition(cluster == null || log == null ? null : new io.ledgerjdbc.replication.LogIdentity(cluster, log),
                ordinal == null ? 0 : Long.parseLong(ordinal));
        c.commit();
    }

    private String readMeta(String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void writeMeta(String key, String value) throws SQLException {
        LedgerMeta.put(c, key, value);
    }

    @Override
    public AppliedPosition appliedPosition() {
        return applied;
    }

    @Override
    public LedgerPosition position() {
        LedgerHead h = head;
        return new LedgerPosition(h.size(), h.chainHash());
    }

    /**
     * SQLite cluster members run in WAL mode (a persistent setting of the database file). In the default rollback
     * journal a reader blocks the writer's commit, and the applier, the status writer and the application's
     * rehearsals then stall each other for seconds; in WAL readers never block the one writer.
     */
    private void useWriteAheadLog() throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
            String mode = rs.next() ? rs.getString(1) : "";
            if (!"wal".equalsIgnoreCase(mode)) {
                LOG.warn("SQLite database stays in journal mode {} (WAL refused): cluster commits may stall", mode);
            }
        }
    }

    /** Origin signatures, by seq: beside the ledger, so the entry format stays the same with or without keys. */
    private void createSignatureTable() throws SQLException {
        String bytes = backend.signatureType();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ledger_signature (seq BIGINT NOT NULL PRIMARY KEY, signature " + bytes + " NOT NULL)");
        }
    }

    /** The status row operators read ({@code status} command): in ledger_meta, outside the ledger itself. */
    @Override
    public synchronized void publish(io.ledgerjdbc.replication.ClusterStatus status) {
        if (status.equals(lastPublished)) {
            return; // an idle member writes nothing
        }
        try {
            writeMeta(StatusJson.META_KEY, StatusJson.write(status, System.currentTimeMillis()));
            c.commit();
            lastPublished = status;
        } catch (SQLException e) {
            rollback();
            LOG.debug("status not recorded: {}", e.toString());
        }
    }

    /** A `cluster add/remove` left in this database ({@link MembershipRequests}), taken once. */
    @Override
    public synchronized io.ledgerjdbc.replication.MembershipRequest takeMembershipRequest() {
        try {
            String json = LedgerMeta.get(c, MembershipRequests.REQUEST_KEY);
            boolean taken = json != null && MembershipRequests.delete(c, MembershipRequests.REQUEST_KEY, json);
            c.commit();
            if (!taken) {
                return null;
            }
            io.ledgerjdbc.replication.MembershipRequest r = MembershipRequests.parseRequest(json);
            if (r == null) {
                LOG.warn("ignored a malformed membership request in ledger_meta: {}", json);
            }
            return r;
        } catch (SQLException e) {
            rollback();
            LOG.debug("membership request not read: {}", e.toString());
            return null;
        }
    }

    @Override
    public synchronized void answerMembershipRequest(io.ledgerjdbc.replication.MembershipRequest r, boolean done, String message) {
        try {
            LedgerMeta.put(c, MembershipRequests.ANSWER_KEY, MembershipRequests.answer(r, done, message, System.currentTimeMillis()));
            c.commit();
        } catch (SQLException e) {
            rollback();
            LOG.warn("the answer to membership request {} was not recorded: {}", r.requestId(), e.toString());
        }
    }

    @Override
    public synchronized Outcome apply(long ordinal, LedgerEntry writeSet, byte[] signature) {
        String refusal = keys.refusal(writeSet, signature);
        if (refusal != null) {
            return new Outcome.Rejected(ordinal, SqlStates.INVALID_AUTHORIZATION, 0, refusal);
        }
        long giveUp = System.nanoTime() + TRANSIENT_RETRY_MILLIS * 1_000_000;
        while (true) {
            boolean ddl = false;
            try {
                takeSqliteWriteLock();
                for (Change change : writeSet.changes()) {
                    if (change instanceof DdlChange d) {
                        ddl = true;
                        execute(d);
                    } else {
                        certifier.certifyAndApply((RowChange) change);
                    }
                }
            } catch (RowCertifier.Conflict conflict) {
                rollback();
                return new Outcome.Rejected(ordinal, SqlStates.SERIALIZATION_FAILURE, 0, conflict.getMessage());
            } catch (SQLException e) {
                rollback();
                if (ApplyErrors.isTransient(e) && System.nanoTime() < giveUp) {
                    pause();
                    continue;
                }
                if (ApplyErrors.isDeterministic(e)) {
                    // The same statement on the same state fails the same way on every node.
                    if (ddl) {
                        afterDdl.run();
                    }
                    return new Outcome.Rejected(ordinal, e.getSQLState(), e.getErrorCode(), e.getMessage());
                }
                return new Outcome.Diverged(ordinal, "applying write-set " + writeSet.txId() + " failed: " + e);
            } catch (RuntimeException e) {
                rollback();
                return new Outcome.Diverged(ordinal, "applying write-set " + writeSet.txId() + " failed: " + e);
            }
            try {
                LedgerEntry entry = writeSet.withSeq(head.size() + 1);
                if (insertEntry == null) {
                    insertEntry = c.prepareStatement(LedgerStore.INSERT_ENTRY);
                }
                LedgerHead next = store.append(insertEntry, head, entry);
                if (signature.length > 0) {
                    storeSignature(entry.seq(), signature);
                }
                writeOrdinal(ordinal);
                c.commit();
                head = next;
                applied = new AppliedPosition(applied.log(), ordinal);
                identities.advance(c, writeSet.changes());
                if (ddl) {
                    catalog.invalidate();
                    identities.forget();
                    afterDdl.run();
                }
                try {
                    afterApply.applied(c, next);
                } catch (RuntimeException e) { // committed already: nothing after it may turn it into a divergence
                    LOG.warn("after applying entry {}: {}", entry.seq(), e.toString());
                }
                LOG.debug("applied {} as entry {} ({} changes)", writeSet.txId(), entry.seq(), entry.changes().size());
                return new Outcome.Committed(ordinal, entry.seq());
            } catch (SQLException | RuntimeException e) {
                rollback();
                if (e instanceof SQLException s && ApplyErrors.isTransient(s) && System.nanoTime() < giveUp) {
                    pause();
                    continue;
                }
                return new Outcome.Diverged(ordinal, "recording write-set " + writeSet.txId() + " failed: " + e);
            }
        }
    }

    /**
     * Several committed write-sets in one local transaction: each certified, applied and recorded as its ledger
     * entry, the ordinal written once, one commit. What a commit costs the database (SQLite's WAL sync, a PostgreSQL
     * round trip and flush) is paid once per batch. A batch with DDL, or one in which any write-set fails (a
     * conflict, a constraint, I/O), is rolled back and applied one by one instead, so every outcome is exactly
     * {@link #apply}'s. (Savepoints per write-set would keep the others, but H2 2.4 then failed concurrent local
     * transactions with "Transaction n has status ROLLING_BACK".) A lock wait (SQLite busy, a lock timeout) retries
     * the whole batch.
     */
    @Override
    public synchronized java.util.List<Outcome> applyAll(java.util.List<Apply> batch) {
        boolean ddl = batch.stream().anyMatch(a -> a.writeSet().changes().stream().anyMatch(ch -> ch instanceof DdlChange));
        if (batch.size() == 1 || ddl) {
            return Replica.super.applyAll(batch);
        }
        long giveUp = System.nanoTime() + TRANSIENT_RETRY_MILLIS * 1_000_000;
        while (true) {
            java.util.List<Outcome> out = new java.util.ArrayList<>(batch.size());
            java.util.List<LedgerHead> heads = new java.util.ArrayList<>();
            LedgerHead h = head;
            try {
                takeSqliteWriteLock();
                for (Apply a : batch) {
                    String refusal = keys.refusal(a.writeSet(), a.signature());
                    if (refusal != null) {
                        out.add(new Outcome.Rejected(a.ordinal(), "28000", 0, refusal));
                        continue;
                    }
                    for (Change change : a.writeSet().changes()) {
                        certifier.certifyAndApply((RowChange) change); // a conflict or any error: the batch goes one by one
                    }
                    LedgerEntry entry = a.writeSet().withSeq(h.size() + 1);
                    if (insertEntry == null) {
                        insertEntry = c.prepareStatement(LedgerStore.INSERT_ENTRY);
                    }
                    h = store.append(insertEntry, h, entry);
                    if (a.signature().length > 0) {
                        storeSignature(entry.seq(), a.signature());
                    }
                    heads.add(h);
                    out.add(new Outcome.Committed(a.ordinal(), entry.seq()));
                }
                writeOrdinal(batch.get(batch.size() - 1).ordinal());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback();
                if (e instanceof SQLException s && !(e instanceof RowCertifier.Conflict) && ApplyErrors.isTransient(s) && System.nanoTime() < giveUp) {
                    pause();
                    continue;
                }
                LOG.debug("batch of {} write-sets applied one by one after: {}", batch.size(), e.toString());
                return Replica.super.applyAll(batch);
            }
            head = h;
            applied = new AppliedPosition(applied.log(), batch.get(batch.size() - 1).ordinal());
            java.util.List<Change> committed = new java.util.ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (out.get(i) instanceof Outcome.Committed) {
                    committed.addAll(batch.get(i).writeSet().changes());
                }
            }
            identities.advance(c, committed);
            int next = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (out.get(i) instanceof Outcome.Committed) {
                    try {
                        afterApply.applied(c, heads.get(next++));
                    } catch (RuntimeException e) { // committed already: nothing after it may turn it into a divergence
                        LOG.warn("after applying a batch: {}", e.toString());
                    }
                }
            }
            return out;
        }
    }

    @Override
    public synchronized Outcome checkpoint(long ordinal, long size, byte[] chainHash) {
        LedgerHead h = head;
        if (h.size() < size) {
            return new Outcome.Diverged(ordinal, "the leader's ledger has " + size + " entries, this node's only " + h.size());
        }
        try {
            byte[] mine = h.size() == size ? h.chainHash() : chainHashAt(size);
            if (!MessageDigest.isEqual(mine, chainHash)) {
                return new Outcome.Diverged(ordinal, "this node's ledger differs from the leader's at or before entry " + size);
            }
            return new Outcome.Done(ordinal);
        } catch (SQLException e) {
            return new Outcome.Diverged(ordinal, "cannot read entry " + size + " for a checkpoint: " + e);
        }
    }

    /** Entries for a member installing a snapshot; see {@link Replica#readEntries}. */
    @Override
    public synchronized java.util.List<StoredWriteSet> readEntries(long fromSeq, long toSeq, int maxEntries, int maxBytes)
            throws SQLException {
        java.util.List<StoredWriteSet> out = new java.util.ArrayList<>();
        String sql = "SELECT e.seq, e.entry, s.signature FROM ledger_entry e LEFT JOIN ledger_signature s ON s.seq = e.seq"
                + " WHERE e.seq >= ? AND e.seq <= ? ORDER BY e.seq LIMIT " + maxEntries;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, fromSeq);
            ps.setLong(2, toSeq);
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && (out.isEmpty() || bytes < maxBytes)) {
                    byte[] entry = rs.getBytes(2);
                    byte[] signature = rs.getBytes(3);
                    out.add(new StoredWriteSet(rs.getLong(1), entry, signature == null ? new byte[0] : signature));
                    bytes += entry.length;
                }
            }
            c.commit();
        } catch (SQLException e) {
            rollback();
            throw e;
        }
        return out;
    }

    /**
     * Installs committed entries received with a snapshot: verbatim into the ledger, their changes applied by
     * their row images (no certification: this is history every member already agreed on).
     */
    @Override
    public synchronized LedgerPosition install(java.util.List<StoredWriteSet> entries) throws SQLException {
        long giveUp = System.nanoTime() + TRANSIENT_RETRY_MILLIS * 1_000_000;
        while (true) {
            java.util.List<Change> changes = new java.util.ArrayList<>();
            boolean ddl = false;
            try {
                takeSqliteWriteLock();
                LedgerHead h = head;
                for (StoredWriteSet stored : entries) {
                    LedgerEntry entry = io.ledgerjdbc.ledger.entry.EntryCodec.decode(stored.entry());
                    if (entry.seq() != h.size() + 1 || stored.seq() != entry.seq()) {
                        throw new SQLException("received entry " + stored.seq() + " does not follow the local ledger at " + h.size());
                    }
                    if (entry.changes().stream().anyMatch(DdlChange.class::isInstance)) {
                        ddl = true;
                        statements.close(); // table shapes change
                    }
                    replayer.apply(c, entry);
                    if (insertEntry == null) {
                        insertEntry = c.prepareStatement(LedgerStore.INSERT_ENTRY);
                    }
                    h = store.append(insertEntry, h, entry);
                    if (stored.signature().length > 0) {
                        storeSignature(entry.seq(), stored.signature());
                    }
                    changes.addAll(entry.changes());
                }
                c.commit();
                head = h;
            } catch (SQLException e) {
                rollback();
                if (ApplyErrors.isTransient(e) && System.nanoTime() < giveUp) {
                    pause();
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                rollback();
                throw new SQLException("installing received entries failed: " + e, e);
            }
            identities.advance(c, changes);
            if (ddl) {
                catalog.invalidate();
                identities.forget();
                afterDdl.run();
            }
            return position();
        }
    }

    /** Stores the log identity and the ordinal together; see {@link Replica#adopt}. */
    @Override
    public synchronized void adopt(io.ledgerjdbc.replication.LogIdentity log, long ordinal) throws SQLException {
        try {
            takeSqliteWriteLock();
            writeMeta(CLUSTER_KEY, log.clusterId());
            writeMeta(LOG_KEY, log.logId());
            writeOrdinal(ordinal);
            c.commit();
            applied = new AppliedPosition(log, ordinal);
        } catch (SQLException e) {
            rollback();
            throw e;
        }
    }

    private byte[] chainHashAt(long size) throws SQLException {
        if (size == 0) {
            return Hashes.GENESIS_CHAIN;
        }
        StoredEntry e = store.readEntry(c, size);
        c.commit();
        return e.chainHash();
    }

    private void execute(DdlChange ddl) throws SQLException {
        statements.close();
        try (Statement s = c.createStatement()) {
            s.execute(ddl.sql());
        }
    }

    private void storeSignature(long seq, byte[] signature) throws SQLException {
        PreparedStatement ps = statements.prepared("INSERT INTO ledger_signature (seq, signature) VALUES (?, ?)");
        ps.setLong(1, seq);
        ps.setBytes(2, signature);
        ps.executeUpdate();
    }

    /**
     * SQLite: certification reads before it writes, and SQLite refuses a read transaction's upgrade to a write at
     * once (SQLITE_BUSY, no busy_timeout wait) while a local rehearsal holds the write lock; each refusal paused
     * the Raft thread for 10 ms. A no-op write first takes the lock, waiting under busy_timeout like any writer.
     */
    private void takeSqliteWriteLock() throws SQLException {
        if (!backend.takesWriteLockFirst()) {
            return;
        }
        PreparedStatement ps = statements.prepared("UPDATE ledger_meta SET meta_value = meta_value WHERE meta_key = ?");
        ps.setString(1, ORDINAL_KEY);
        ps.executeUpdate();
    }

    private void writeOrdinal(long ordinal) throws SQLException {
        PreparedStatement ps = statements.prepared("UPDATE ledger_meta SET meta_value = ? WHERE meta_key = ?");
        ps.setString(1, Long.toString(ordinal));
        ps.setString(2, ORDINAL_KEY);
        ps.executeUpdate();
    }

    private void rollback() {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback of a failed apply failed", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void close() {
        statements.close();
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing the applier's connection", e);
        }
    }
}
