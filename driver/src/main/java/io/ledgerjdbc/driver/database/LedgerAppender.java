package io.ledgerjdbc.driver.database;

import io.ledgerjdbc.driver.LedgerConfig;
import io.ledgerjdbc.driver.LedgerOption;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends each committed transaction's entry to one database's ledger and commits the transaction: the ledger's one
 * serialisation point. The first connection chooses the protocol for this process ({@link #chooseProtocol}):
 * version 1 appends on the chain head in the committing transaction, under the database's append lock, and on
 * databases several processes can write (SQLite, PostgreSQL, MariaDB) re-checks the stored head under it, so
 * concurrent writers produce one gap-free, fork-free chain; version 2, where the backend seals (PostgreSQL,
 * MariaDB), writes a pending entry ({@link PendingCommit}) that a {@link Sealer} chains (docs/ledger-format.md §6.1).
 *
 * <p>Threading: {@link #appendAndCommit} is called concurrently by every session of the database. The head cache is
 * an atomic reference that only ever moves forward; where the database serialises appends until the commit, nothing
 * in this process is held across it. Only an embedded H2 database, whose head is trusted from memory, appends and
 * commits under {@link #commitLock}. {@link #chooseProtocol} is synchronized (connections opening); its choice is
 * published through volatile fields.
 */
final class LedgerAppender {

    private static final String LAST_ENTRY = "SELECT seq, chain_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1";

    private final Backend backend;
    private final LedgerStore store;
    /** Signs digests after commits when ledger.digest.key is set. */
    private final AutoDigest autoDigest;
    private final boolean soleWriter;
    private final ReentrantLock commitLock = new ReentrantLock();
    /**
     * The head after the newest commit through this process, or null when unknown. An embedded H2 database trusts
     * it (under commitLock); elsewhere it is only a guess that {@link #currentHead} checks against the database.
     */
    private final AtomicReference<LedgerHead> head = new AtomicReference<>();
    /** Set when this database's commits write pending entries; null for the version-1 protocol. */
    private volatile PendingCommit pendingCommit;
    /**
     * ledger.seal=async: the sealer's pause between cycles. Each cycle costs the database a bound, a lock, a read and
     * a commit whatever it seals; 25 ms against 5 ms measured 0.05–0.1 more of raw PostgreSQL's insert rate (the
     * entries wait longer, committed and counted by verify as pending).
     */
    private static final long ASYNC_SEAL_PAUSE_NANOS = 25_000_000L;
    private volatile Sealer sealer;
    private volatile boolean awaitSeal;
    /** Guarded by this. */
    private boolean protocolChosen;

    LedgerAppender(Backend backend, LedgerStore store, AutoDigest autoDigest, String rawUrl) {
        this.backend = backend;
        this.store = store;
        this.autoDigest = autoDigest;
        this.soleWriter = backend.soleWriter(rawUrl);
    }

    /**
     * Upgrades the ledger to version 2 (pending entries) unless {@code ledger.seal=off} or {@code ledger.create=false}
     * keep a version-1 ledger; the first connection decides for this process, later ones must agree. Only where the
     * backend seals.
     */
    synchronized void chooseProtocol(Connection c, LedgerConfig config, LedgerDatabase.RealConnector connector) throws SQLException {
        String mode = config.get(LedgerOption.SEAL);
        if (protocolChosen) {
            if (pendingCommit != null && mode.equals("off")) {
                throw new SQLException("ledger.seal=off, but an earlier connection to this database in this process moved its ledger"
                        + " to version 2 (pending entries); remove ledger.seal=off", "0A000");
            }
            return;
        }
        boolean v2 = PendingEntries.enabled(c);
        if (!c.getAutoCommit()) {
            c.commit();
        }
        if (mode.equals("off")) {
            if (v2) {
                throw new SQLException("ledger.seal=off keeps the version-1 commit protocol, but this ledger is at version 2: its commits "
                        + "must write pending entries for the sealer (remove ledger.seal=off)", "0A000");
            }
        } else {
            if (!v2 && config.createLedger()) {
                PendingEntries.upgrade(c, backend.dialect());
                v2 = true;
            }
            if (v2) {
                awaitSeal = mode.equals("wait");
                sealer = new Sealer(backend.sealing(), connector::connect, autoDigest::afterCommit, awaitSeal ? 0 : ASYNC_SEAL_PAUSE_NANOS);
                pendingCommit = new PendingCommit(backend.sealing());
                Sealer.sealAtExit(sealer);
            }
        }
        protocolChosen = true;
    }

    /**
     * Appends one entry for {@code changes} in {@code c}'s open transaction and commits it. On any failure the
     * transaction is rolled back by the caller.
     *
     * <p>Where the database itself serialises appends until the commit ({@code ledger_meta} row lock, SQLite's
     * write lock; see {@link #currentHead}), nothing in this process is held across the commit, so concurrent
     * connections' commits (and their fsyncs) overlap and group. Only an embedded H2 database, whose head is
     * trusted from memory without a database lock, appends and commits under {@link #commitLock}.
     */
    void appendAndCommit(Connection c, CaptureStatements statements, PreparedStatement insertEntry, String origin, String txId,
                         List<Change> changes, boolean byAutoCommit) throws SQLException {
        if (pendingCommit != null) {
            commitPending(c, statements, origin, txId, changes);
            return;
        }
        if (!soleWriter) {
            try {
                LedgerHead next = append(c, statements, insertEntry, origin, txId, changes);
                commit(c, byAutoCommit);
                if (backend.awaitDurableSql() != null) {
                    awaitDurable(c, statements, backend.awaitDurableSql());
                }
                remember(next);
                autoDigest.afterCommit(c, next);
            } catch (SQLException e) {
                throw lostRaceAsConflict(e);
            }
            return;
        }
        commitLock.lock();
        try {
            LedgerHead next = append(c, statements, insertEntry, origin, txId, changes);
            commit(c, byAutoCommit);
            head.set(next);
            autoDigest.afterCommit(c, next);
        } catch (SQLException e) {
            head.set(null);
            throw lostRaceAsConflict(e);
        } catch (RuntimeException e) {
            head.set(null);
            throw e;
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Whether the autocommit write {@code sql} (its changes known before it runs) can be sent with its pending entry
     * and the commit in one round trip ({@link #runWithEntryAndCommit}).
     */
    boolean combinesWithEntry(String sql) {
        PendingCommit pending = pendingCommit;
        return pending != null && pending.combinesWithEntry(sql);
    }

    /**
     * Runs the write {@code sql} ({@link #combinesWithEntry}) with the pending entry for {@code changes}, in one round trip
     * (see {@link PendingCommit#runWithEntryAndCommit}), then (ledger.seal=wait) returns once a sealer has sealed it.
     *
     * @return the write's update count
     */
    long runWithEntryAndCommit(Connection c, CaptureStatements statements, String sql, int paramCount, Params params, String table,
                               int columns, int queryTimeout, String origin, String txId, List<Change> changes) throws SQLException {
        long count = pendingCommit.runWithEntryAndCommit(c, statements, sql, paramCount, params, table, columns, queryTimeout, origin,
                txId, changes);
        afterPendingCommit();
        return count;
    }

    /** Commits with a pending entry, then (ledger.seal=wait) returns once a sealer has sealed it. */
    private void commitPending(Connection c, CaptureStatements statements, String origin, String txId, List<Change> changes)
            throws SQLException {
        pendingCommit.insertAndCommit(c, statements, origin, txId, changes);
        afterPendingCommit();
    }

    private void afterPendingCommit() {
        if (!awaitSeal) {
            sealer.request();
            return;
        }
        try {
            sealer.awaitSealed(); // false after a bound: committed, and the next sealer seals it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // committed; the entry is sealed without this thread
        }
    }

    /**
     * Commits the change and its entry. {@code byAutoCommit}: by switching autocommit back on, which commits (JDBC),
     * for an autocommit write whose connection returns to autocommit anyway: H2 then commits once, not twice.
     */
    private static void commit(Connection c, boolean byAutoCommit) throws SQLException {
        if (byAutoCommit) {
            c.setAutoCommit(true);
        } else {
            c.commit();
        }
    }

    private LedgerHead append(Connection c, CaptureStatements statements, PreparedStatement insertEntry, String origin, String txId,
                              List<Change> changes) throws SQLException {
        Instant now = Instant.now();
        if (checksHeadInInsert()) {
            // one statement both checks the head this process last committed and appends on it
            lockLedger(statements);
            LedgerHead cached = head.get();
            LedgerHead next = null;
            if (cached != null && cached.size() > 0) {
                next = store.appendIfHead(statements.statement(LedgerStore.INSERT_ENTRY_IF_HEAD), cached,
                        new LedgerEntry(cached.size() + 1, origin, now, txId, changes));
            }
            if (next == null) {
                LedgerHead current = store.readHeadForAppend(c);
                next = store.append(insertEntry, current, new LedgerEntry(current.size() + 1, origin, now, txId, changes));
            }
            // Remembered before the commit: the next connection waiting for the lock gets it the moment this commit
            // releases it, and should find this head already. If this commit fails, the guess is wrong and that
            // connection's conditional insert finds so and reads the head instead.
            remember(next);
            return next;
        }
        LedgerHead current = currentHead(c, statements);
        return store.append(insertEntry, current, new LedgerEntry(current.size() + 1, origin, now, txId, changes));
    }

    /**
     * Where the head check goes into the ledger insert itself ({@link LedgerStore#appendIfHead}): databases other
     * processes may write, except H2 (its server mode types no {@code SELECT ?}; it keeps the separate check).
     */
    private boolean checksHeadInInsert() {
        return !soleWriter && backend.checksHeadInInsert();
    }

    /**
     * Takes the database lock that serialises appends (SQLite: the transaction already holds the write lock).
     *
     * <p>On PostgreSQL the lock is a row lock, released only when the commit ends, and a commit normally ends after
     * its WAL flush: each commit would wait for the previous one's fsync, and none could share one. So the same
     * statement makes this transaction's commit asynchronous ({@code SET LOCAL synchronous_commit = off}): it
     * releases the lock once its commit record is written, and {@link #awaitDurable} then waits for the flush
     * outside the lock, where concurrent commits share fsyncs again. WAL is flushed in order, so a crash can only
     * lose a suffix of commits, none of them acknowledged.
     */
    private void lockLedger(CaptureStatements statements) throws SQLException {
        String lock = backend.lockLedgerSql();
        if (lock != null) {
            try (ResultSet rs = statements.statement(lock).executeQuery()) {
                rs.next();
            }
        }
    }

    /**
     * Keeps the newest head (commits of several connections finish in any order). A head of the same size replaces
     * the known one: it was appended after reading the stored head, so the known one was a guess that failed.
     */
    private void remember(LedgerHead appended) {
        head.accumulateAndGet(appended, (known, next) -> known == null || next.size() >= known.size() ? next : known);
    }

    private static SQLException lostRaceAsConflict(SQLException e) {
        return isLostRace(e) ? new SQLException("another transaction appended to the ledger first (the database's "
                + "isolation level hid its entry from this one); roll back and retry", SqlStates.SERIALIZATION_FAILURE, e) : e;
    }

    /** A duplicate seq in ledger_entry: the head this transaction saw was not the latest (e.g. REPEATABLE READ). */
    private static boolean isLostRace(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        boolean duplicate = SqlStates.UNIQUE_VIOLATION.equals(e.getSQLState()) || SqlStates.INTEGRITY_CONSTRAINT_VIOLATION.equals(e.getSQLState()) || e.getErrorCode() == 1062;
        return duplicate && m.contains("ledger_entry");
    }

    /**
     * The head to build on. H2 embedded databases have one process, so the cached head is the truth; elsewhere
     * another process may have appended, so lock the ledger (SQLite's write lock is already held by the
     * transaction's own writes) and check the stored head against the cache, with locking reads so that a
     * REPEATABLE READ snapshot cannot hide entries committed meanwhile.
     */
    private LedgerHead currentHead(Connection c, CaptureStatements statements) throws SQLException {
        LedgerHead cached = head.get();
        if (soleWriter && cached != null) {
            return cached;
        }
        lockLedger(statements);
        cached = head.get(); // read again under the lock: a commit that released it may have just set it
        if (cached != null) {
            try (ResultSet rs = statements.statement(LAST_ENTRY + backend.forUpdate()).executeQuery()) {
                long size = rs.next() ? rs.getLong(1) : 0;
                byte[] chain = size == 0 ? Hashes.GENESIS_CHAIN : rs.getBytes(2);
                if (size == cached.size() && MessageDigest.isEqual(chain, cached.chainHash())) {
                    return cached;
                }
            }
        }
        return store.readHeadForAppend(c);
    }

    /**
     * Returns once the commit just made on {@code c} is durable, as a synchronous commit would have: a transaction
     * that wrote WAL commits with the session's own {@code synchronous_commit}, so its commit waits for the WAL to be
     * flushed (and replicated, if the session says so) up to itself, which includes ours. It must write WAL: a
     * transaction that only took an xid ({@code txid_current()}) commits without flushing. A transactional logical
     * message is the smallest WAL record a transaction can write (executable by every role, nothing stored).
     */
    private static void awaitDurable(Connection c, CaptureStatements statements, String awaitDurable) throws SQLException {
        try {
            c.setAutoCommit(true);
            try (ResultSet rs = statements.statement(awaitDurable).executeQuery()) {
                rs.next();
            } finally {
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw new SQLException("the transaction was committed, but waiting for its commit to reach disk failed ("
                    + e.getMessage() + "); whether it survives a crash of the database is unknown", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e);
        }
    }
}
