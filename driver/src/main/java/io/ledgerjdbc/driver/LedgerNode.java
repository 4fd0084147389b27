package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.driver.capture.RowCapture;
import io.ledgerjdbc.driver.sql.SqlAnalyzer;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the driver keeps per database in this process: the parse cache, table metadata, and the chain
 * head. The head is the ledger's one serialisation point: {@link #append} runs under {@link #commitLock},
 * and on databases several processes can write (SQLite, PostgreSQL, MariaDB) it also re-checks the stored
 * head under a database lock, so concurrent writers produce one gap-free, fork-free chain.
 */
public final class LedgerNode {

    private static final Map<String, LedgerNode> NODES = new ConcurrentHashMap<>();

    final SqlDialect dialect;
    /** Every per-database decision. */
    final Backend backend;
    final LedgerStore store;
    final SqlAnalyzer analyzer;
    final TableCatalog catalog;
    final RowCapture capture;
    /** The rows a parent's foreign-key actions change (see ReferentialActions). */
    final io.ledgerjdbc.driver.capture.ReferentialActions actions;
    final io.ledgerjdbc.driver.observe.LedgerMetrics metrics;
    final ReentrantLock commitLock = new ReentrantLock();
    /** Signs digests after commits when ledger.digest.key is set. */
    final AutoDigest autoDigest;
    private final boolean soleWriter;
    private final String txPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final AtomicLong txCounter = new AtomicLong();
    /**
     * The head after the newest commit through this process, or null when unknown. An embedded H2 database trusts
     * it (under commitLock); elsewhere it is only a guess that {@link #currentHead} checks against the database.
     */
    private final java.util.concurrent.atomic.AtomicReference<LedgerHead> head = new java.util.concurrent.atomic.AtomicReference<>();

    private LedgerNode(SqlDialect dialect, String rawUrl) {
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
        this.soleWriter = backend.soleWriter(rawUrl);
        this.store = new LedgerStore(dialect);
        this.analyzer = new SqlAnalyzer(dialect);
        this.catalog = new TableCatalog(dialect);
        this.capture = new RowCapture(dialect);
        this.actions = new io.ledgerjdbc.driver.capture.ReferentialActions(backend, catalog, capture);
        this.autoDigest = new AutoDigest(store);
        this.metrics = io.ledgerjdbc.driver.observe.LedgerMetrics.forDatabase(rawUrl);
    }

    /** Opens another connection to the node's database (the cluster applier has its own). */
    @FunctionalInterface
    interface RealConnector {
        Connection connect() throws SQLException;
    }

    /** This node's cluster membership, or null when standalone. */
    private volatile io.ledgerjdbc.replication.ClusterMember cluster;
    private volatile io.ledgerjdbc.driver.cluster.ClusterApplier applier;
    private volatile io.ledgerjdbc.driver.cluster.NodeKeys keys;

    /** The node of the database behind {@code rawUrl}, creating the ledger tables on first use if allowed. */
    /**
     * @param connector   another connection as the application's (the cluster applier's: the URL's own settings,
     *                    an H2 {@code INIT=SET SCHEMA …} included, apply to it as to the application)
     * @param sideReads   a connection for capture's committed-state reads, without H2's {@code INIT=} script (it
     *                    may write); capture sets its schema to the application connection's
     */
    static LedgerNode of(String rawUrl, Connection c, LedgerConfig config, RealConnector connector, RealConnector sideReads)
            throws SQLException {
        LedgerNode node = of(rawUrl, c, config);
        if (node.backend.readsCommittedOnSideConnection() && !isPrivateDatabase(rawUrl)) {
            node.capture.committedReads(sideReads::connect);
        }
        if (config.clustered()) {
            node.joinCluster(config, connector);
        } else if (node.backend.sealsPendingEntries()) {
            node.chooseCommitProtocol(c, config, connector);
        } else if (node.cluster != null) {
            throw new SQLException("the database " + rawUrl + " belongs to cluster member " + node.cluster.config().nodeId()
                    + " in this process; connect with the same ledger.members", SqlStates.UNABLE_TO_CONNECT);
        }
        return node;
    }

    private static LedgerNode of(String rawUrl, Connection c, LedgerConfig config) throws SQLException {
        boolean shared = !isPrivateDatabase(rawUrl);
        LedgerNode node = shared ? NODES.get(rawUrl) : null;
        if (node != null) {
            node.autoDigest.configure(config);
            return node;
        }
        SqlDialect dialect = SqlDialect.of(c);
        if (config.createLedger()) {
            boolean existed = LedgerSchema.exists(c);
            LedgerSchema.createIfMissing(c, dialect);
            if (!existed) io.ledgerjdbc.driver.observe.LedgerMetrics.forDatabase(rawUrl).created(dialect);
        } else if (!LedgerSchema.exists(c)) {
            throw new SQLException("no ledger in " + rawUrl + " and ledger.create=false", SqlStates.UNDEFINED_TABLE);
        } else {
            LedgerSchema.checkVersion(c);
        }
        node = shared ? NODES.computeIfAbsent(rawUrl, k -> new LedgerNode(dialect, rawUrl)) : new LedgerNode(dialect, rawUrl);
        node.autoDigest.configure(config);
        return node;
    }

    /** {@code jdbc:h2:mem:} without a name is a new private database for every connection. */
    private static boolean isPrivateDatabase(String rawUrl) {
        return rawUrl.regionMatches(true, 0, "jdbc:h2:mem:", 0, 12) && (rawUrl.length() == 12 || rawUrl.charAt(12) == ';');
    }

    /**
     * Joins the cluster on first use: one member per database in this process, applying on a connection of its
     * own. Later connections with another member configuration are refused, not silently given the first one.
     */
    private synchronized void joinCluster(LedgerConfig config, RealConnector connector) throws SQLException {
        io.ledgerjdbc.replication.ClusterConfig wanted = config.clusterConfig();
        if (cluster != null) {
            if (!cluster.config().equals(wanted)) {
                throw new SQLException("this database already belongs to cluster member " + cluster.config().nodeId()
                        + " of " + cluster.config().clusterName() + " with other options; one database is one member", SqlStates.UNABLE_TO_CONNECT);
            }
            return;
        }
        io.ledgerjdbc.driver.cluster.NodeKeys loaded = io.ledgerjdbc.driver.cluster.NodeKeys.load(
                config.get(LedgerOption.NODE_KEY), config.get(LedgerOption.MEMBER_KEYS), wanted.members().keySet());
        try {
            keys = loaded;
            cluster = io.ledgerjdbc.replication.ClusterMember.start(wanted, () -> {
                try {
                    applier = new io.ledgerjdbc.driver.cluster.ClusterApplier(connector.connect(), dialect, loaded, this::afterReplicatedDdl,
                            autoDigest::afterCommit);
                    return applier;
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot open the applier's connection: " + e.getMessage(), e);
                }
            });
        } catch (io.ledgerjdbc.replication.ReplicationException e) {
            if (applier != null) { // the member did not start (refused, port in use): its connection goes with it
                applier.close();
                applier = null;
            }
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
    }

    private void afterReplicatedDdl() {
        catalog.invalidate();
        forgetAdoptions();
    }

    boolean clustered() {
        return cluster != null;
    }

    /**
     * Orders one transaction's changes through the cluster and returns once it is committed and applied here.
     *
     * @throws SQLException 40001 when a transaction ordered first changed the same rows; the database's own
     *                      error when applying it failed the same way everywhere; 08xxx when the cluster could
     *                      not confirm it in time
     */
    void replicate(String origin, String txId, List<Change> changes) throws SQLException {
        LedgerEntry writeSet = new LedgerEntry(1, origin, Instant.now(), txId, changes);
        io.ledgerjdbc.replication.Outcome outcome;
        try {
            outcome = cluster.submit(new io.ledgerjdbc.replication.Command.WriteSet(writeSet, keys.sign(writeSet)));
        } catch (io.ledgerjdbc.replication.ReplicationException e) {
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
        if (outcome instanceof io.ledgerjdbc.replication.Outcome.Rejected r) {
            String message = SqlStates.SERIALIZATION_FAILURE.equals(r.sqlState())
                    ? "transaction rolled back: it conflicts with a transaction committed first in the cluster (" + r.message() + "); retry it"
                    : r.message();
            throw new SQLException(message, r.sqlState(), r.vendorCode());
        }
        if (outcome instanceof io.ledgerjdbc.replication.Outcome.Diverged d) {
            throw new SQLException("this node stopped applying the cluster's log: " + d.message(), SqlStates.CONNECTION_FAILURE);
        }
    }

    /** Waits until this node has applied everything the cluster committed before now. */
    void awaitClusterBarrier() throws SQLException {
        try {
            cluster.barrier();
        } catch (io.ledgerjdbc.replication.ReplicationException e) {
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
    }

    /** The cluster status of the node behind {@code rawUrl} in this process, if it is a member. */
    public static Optional<io.ledgerjdbc.replication.ClusterStatus> clusterStatus(String rawUrl) {
        LedgerNode node = NODES.get(rawUrl);
        return node == null || node.cluster == null ? Optional.empty() : Optional.of(node.cluster.status());
    }

    /**
     * Leaves every cluster this process is a member of and forgets the databases' nodes (tests, orderly
     * shutdown). Connections still open keep working as standalone wrappers only until they are closed.
     */
    public static void leaveClusters() {
        for (LedgerNode node : List.copyOf(NODES.values())) {
            if (node.cluster != null) {
                node.cluster.close();
                if (node.applier != null) {
                    node.applier.close();
                }
                NODES.values().remove(node);
            }
        }
    }

    /** Tables this process knows the ledger has adopted (their rows are in it). */
    private final java.util.Set<String> adopted = ConcurrentHashMap.newKeySet();

    /**
     * Tables that existed before the ledger (or were filled behind its back before first use) are adopted the
     * first time the driver writes to them: their current rows go into the same entry as that write, as
     * INSERTs, and a {@code ledger_meta} row marks the table adopted, all in the writing transaction (so a
     * rollback undoes the adoption too). Tables created through the driver are marked at creation, empty.
     *
     * @return the adoption changes to put before the write's own changes (empty when already adopted)
     */
    List<Change> adopt(Connection c, io.ledgerjdbc.driver.schema.TableInfo t) throws SQLException {
        if (cluster != null || adopted.contains(t.ledgerName())) {
            // In a cluster every member starts from the same (empty or copied) database: nothing to adopt.
            return List.of();
        }
        String key = adoptionKey(t.ledgerName());
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    adopted.add(t.ledgerName());
                    return List.of();
                }
            }
        }
        List<Change> rows = new java.util.ArrayList<>();
        for (io.ledgerjdbc.ledger.entry.Row row : capture.readAll(c, t)) {
            rows.add(io.ledgerjdbc.ledger.entry.RowChange.insert(t.ledgerName(), t.keyOf(row), row));
        }
        markAdopted(c, t.ledgerName());
        return rows;
    }

    /** Marks a table as known to the ledger (in the caller's transaction). */
    void markAdopted(Connection c, String ledgerName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_meta (meta_key, meta_value) VALUES (?, ?)")) {
            ps.setString(1, adoptionKey(ledgerName));
            ps.setString(2, ledgerName);
            ps.executeUpdate();
        }
    }

    void forgetAdoptions() {
        adopted.clear();
    }

    /** ledger_meta keys are at most 64 characters; long table names are shortened with a hash of the whole name. */
    private static String adoptionKey(String ledgerName) {
        String k = "table:" + ledgerName;
        if (k.length() <= 64) {
            return k;
        }
        String hash = java.util.HexFormat.of().formatHex(Hashes.sha256(ledgerName.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 8);
        return k.substring(0, 47) + "#" + hash;
    }

    String nextTxId() {
        return txPrefix + "-" + txCounter.incrementAndGet();
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

    // ---- sealed ledger (PostgreSQL, MariaDB; docs/ledger-format.md "Pending entries and sealing") ----------------

    /** Set when this database's commits write pending entries; null for the version-1 protocol below. */
    private volatile PendingCommit pendingCommit;
    private volatile Sealer sealer;
    private volatile boolean awaitSeal;

    /**
     * Upgrades the ledger to version 2 (pending entries) unless {@code ledger.seal=off} or {@code ledger.create=false}
     * keep a version-1 ledger; the first connection decides for this process, later ones must agree.
     */
    private synchronized void chooseCommitProtocol(Connection c, LedgerConfig config, RealConnector connector) throws SQLException {
        String mode = config.get(LedgerOption.SEAL);
        if (sealProtocolChosen) {
            if (pendingCommit != null && mode.equals("off")) {
                throw new SQLException("ledger.seal=off, but an earlier connection to this database in this process moved its ledger"
                        + " to version 2 (pending entries); remove ledger.seal=off", "0A000");
            }
            return;
        }
        boolean v2 = io.ledgerjdbc.ledger.store.PendingEntries.enabled(c);
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
                io.ledgerjdbc.ledger.store.PendingEntries.upgrade(c, dialect);
                v2 = true;
            }
            if (v2) {
                awaitSeal = mode.equals("wait");
                sealer = new Sealer(dialect, connector::connect, autoDigest::afterCommit, awaitSeal ? 0 : 5_000_000L);
                pendingCommit = new PendingCommit(dialect);
                Sealer.sealAtExit(sealer);
            }
        }
        sealProtocolChosen = true;
    }

    private boolean sealProtocolChosen;

    /** Commits with a pending entry, then (ledger.seal=wait) returns once a sealer has sealed it. */
    private void commitPending(Connection c, CaptureStatements statements, String origin, String txId, List<Change> changes)
            throws SQLException {
        long num = pendingCommit.insertAndCommit(c, statements, origin, txId, changes);
        if (!awaitSeal) {
            sealer.request(num);
            return;
        }
        try {
            sealer.awaitSealed(num); // false after a bound: committed, and the next sealer seals it
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
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
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

    private static final String LAST_ENTRY = "SELECT seq, chain_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1";
}
