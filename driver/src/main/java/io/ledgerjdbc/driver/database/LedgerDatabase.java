package io.ledgerjdbc.driver.database;

import io.ledgerjdbc.driver.LedgerConfig;

import io.ledgerjdbc.driver.cluster.ClusterLink;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.capture.ReferentialActions;
import io.ledgerjdbc.driver.capture.RowCapture;
import io.ledgerjdbc.driver.sql.SqlAnalyzer;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.observe.LedgerMetrics;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import io.ledgerjdbc.replication.ClusterStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the driver keeps per database in this process, and the registry of those: one database per database
 * URL, shared by every connection to it (a private database, which each connection opens anew, gets a database of
 * its own). A database creates the ledger tables on first use and holds the parts each connection's session uses:
 * the parse cache, table metadata and capture, the ledger appender ({@link LedgerAppender}), adoption of existing
 * tables ({@link Adoptions}) and the cluster link ({@link ClusterLink}). The package-private members below are
 * what the session reaches; the work is in those parts.
 *
 * <p>Threading: {@link #of} may run concurrently for one URL (one database wins the registry); every part is safe for
 * the concurrent sessions of its database (see each class).
 */
public final class LedgerDatabase {

    private static final Map<String, LedgerDatabase> DATABASES = new ConcurrentHashMap<>();

    /** Every per-database decision. */
    private final Backend backend;
    private final SqlAnalyzer analyzer;
    private final TableCatalog catalog;
    private final RowCapture capture;
    /** The rows a parent's foreign-key actions change (see ReferentialActions). */
    private final ReferentialActions actions;
    private final LedgerMetrics metrics;
    /** Signs digests after commits when ledger.digest.key is set. */
    private final AutoDigest autoDigest;
    private final LedgerAppender appender;
    private final Adoptions adoptions;
    private final ClusterLink cluster;
    /** Transaction ids are this process's random prefix and a counter: unique without coordination. */
    private final String txPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final AtomicLong txCounter = new AtomicLong();

    private LedgerDatabase(SqlDialect dialect, String rawUrl) {
        this.backend = Backend.of(dialect);
        LedgerStore store = new LedgerStore(dialect);
        this.analyzer = new SqlAnalyzer(dialect);
        this.catalog = new TableCatalog(dialect);
        this.capture = new RowCapture(dialect);
        this.actions = new ReferentialActions(backend, catalog, capture);
        this.autoDigest = new AutoDigest(store);
        this.metrics = LedgerMetrics.forDatabase(rawUrl);
        this.appender = new LedgerAppender(backend, store, autoDigest, rawUrl);
        this.adoptions = new Adoptions(capture);
        // DDL the applier ran may have changed any table: what this database knows of tables is stale
        this.cluster = new ClusterLink(dialect, autoDigest, () -> {
            catalog.invalidate();
            adoptions.forget();
        });
    }

    /** Opens another connection to this database (the cluster applier and the sealer have their own). */
    @FunctionalInterface
    public interface RealConnector {
        Connection connect() throws SQLException;
    }

    /**
     * The database of the database behind {@code rawUrl}, creating the ledger tables on first use if allowed.
     *
     * @param connector   another connection as the application's (the cluster applier's: the URL's own settings,
     *                    an H2 {@code INIT=SET SCHEMA …} included, apply to it as to the application)
     * @param sideReads   a connection for capture's committed-state reads, without H2's {@code INIT=} script (it
     *                    may write); capture sets its schema to the application connection's
     */
    public static LedgerDatabase of(String rawUrl, Connection c, LedgerConfig config, RealConnector connector, RealConnector sideReads)
            throws SQLException {
        LedgerDatabase database = of(rawUrl, c, config);
        if (database.backend.readsCommittedOnSideConnection() && !isPrivateDatabase(rawUrl)) {
            database.capture.committedReads(sideReads::connect);
        }
        if (config.clustered()) {
            database.cluster.join(config, connector);
        } else if (database.backend.sealsPendingEntries()) {
            database.appender.chooseProtocol(c, config, connector);
        } else if (database.cluster.clustered()) {
            throw new SQLException("the database " + rawUrl + " belongs to cluster member " + database.cluster.memberId()
                    + " in this process; connect with the same ledger.members", SqlStates.UNABLE_TO_CONNECT);
        }
        return database;
    }

    private static LedgerDatabase of(String rawUrl, Connection c, LedgerConfig config) throws SQLException {
        boolean shared = !isPrivateDatabase(rawUrl);
        LedgerDatabase database = shared ? DATABASES.get(rawUrl) : null;
        if (database != null) {
            database.autoDigest.configure(config);
            return database;
        }
        SqlDialect dialect = SqlDialect.of(c);
        if (config.createLedger()) {
            boolean existed = LedgerSchema.exists(c);
            LedgerSchema.createIfMissing(c, dialect);
            if (!existed) LedgerMetrics.forDatabase(rawUrl).created(dialect);
        } else if (!LedgerSchema.exists(c)) {
            throw new SQLException("no ledger in " + rawUrl + " and ledger.create=false", SqlStates.UNDEFINED_TABLE);
        } else {
            LedgerSchema.checkVersion(c);
        }
        database = shared ? DATABASES.computeIfAbsent(rawUrl, k -> new LedgerDatabase(dialect, rawUrl)) : new LedgerDatabase(dialect, rawUrl);
        database.autoDigest.configure(config);
        return database;
    }

    /** A database every connection opens anew (H2's unnamed {@code jdbc:h2:mem:}) has a database per connection. */
    private static boolean isPrivateDatabase(String rawUrl) {
        return Backend.forUrl(rawUrl).map(b -> b.isPrivate(rawUrl)).orElse(false);
    }

    /** The cluster status of the database behind {@code rawUrl} in this process, if it is a member. */
    public static Optional<ClusterStatus> clusterStatus(String rawUrl) {
        LedgerDatabase database = DATABASES.get(rawUrl);
        return database == null ? Optional.empty() : database.cluster.status();
    }

    /**
     * Leaves every cluster this process is a member of and forgets those databases (tests, orderly
     * shutdown). Connections still open keep working as standalone wrappers only until they are closed.
     */
    public static void leaveClusters() {
        for (LedgerDatabase database : List.copyOf(DATABASES.values())) {
            if (database.cluster.leave()) {
                DATABASES.values().remove(database);
            }
        }
    }

    // ---- what the session uses: each a delegation to the part that does it ----------------------------------------

    public boolean clustered() {
        return cluster.clustered();
    }

    /** See {@link ClusterLink#replicate}. */
    public void replicate(String origin, String txId, List<Change> changes) throws SQLException {
        cluster.replicate(origin, txId, changes);
    }

    /** Waits until this database has applied everything the cluster committed before now. */
    public void awaitClusterBarrier() throws SQLException {
        cluster.awaitBarrier();
    }

    /**
     * The adoption changes to put before a write's own changes to {@code t} (see {@link Adoptions}). In a cluster
     * every member starts from the same (empty or copied) database: nothing to adopt. {@code adoptedHere}: the tables
     * the caller's open transaction adopted, added to here (see {@link Adoptions#adopt}).
     */
    public List<Change> adopt(Connection c, TableInfo t, java.util.Set<String> adoptedHere) throws SQLException {
        return cluster.clustered() ? List.of() : adoptions.adopt(c, t, adoptedHere);
    }

    /** Marks a table as known to the ledger (in the caller's transaction). */
    public void markAdopted(Connection c, String ledgerName) throws SQLException {
        adoptions.markAdopted(c, ledgerName);
    }

    public void forgetAdoptions() {
        adoptions.forget();
    }

    /** See {@link LedgerAppender#appendAndCommit}. */
    public void appendAndCommit(Connection c, CaptureStatements statements, PreparedStatement insertEntry, String origin, String txId,
                         List<Change> changes, boolean byAutoCommit) throws SQLException {
        appender.appendAndCommit(c, statements, insertEntry, origin, txId, changes, byAutoCommit);
    }

    /** See {@link LedgerAppender#combinesWithEntry}: never in a cluster, whose order is Raft's. */
    public boolean combinesWithEntry(String sql) {
        return !clustered() && appender.combinesWithEntry(sql);
    }

    /** See {@link LedgerAppender#runWithEntryAndCommit}. */
    public long runWithEntryAndCommit(Connection c, CaptureStatements statements, String sql, int paramCount, Params params,
                                      String table, int columns, int queryTimeout, String origin, String txId, List<Change> changes) throws SQLException {
        return appender.runWithEntryAndCommit(c, statements, sql, paramCount, params, table, columns, queryTimeout, origin, txId, changes);
    }

    /** This database's per-database decisions. */
    public Backend backend() {
        return backend;
    }

    /** Statement analysis, cached per SQL text for every connection to this database. */
    public SqlAnalyzer analyzer() {
        return analyzer;
    }

    /** Table metadata, cached for every connection to this database. */
    public TableCatalog catalog() {
        return catalog;
    }

    public RowCapture capture() {
        return capture;
    }

    /** The referential actions of this database's foreign keys that capture follows or refuses. */
    public ReferentialActions actions() {
        return actions;
    }

    public LedgerMetrics metrics() {
        return metrics;
    }

    public String nextTxId() {
        return txPrefix + "-" + txCounter.incrementAndGet();
    }
}
