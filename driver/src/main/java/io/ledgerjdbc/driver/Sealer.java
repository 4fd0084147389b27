package io.ledgerjdbc.driver;

import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Seals pending entries (see {@link PendingCommit}): one per database per process, on a thread and a connection of
 * its own, started when a commit asks and stopped after a second without work.
 *
 * <p>One cycle: (1) the <b>gate</b>: take the seal gate exclusively, which waits for every committer inside its
 * commit round trip, and take an order number {@code bound} under it, then release it (its own short transaction):
 * every number below {@code bound} now belongs to a transaction that has committed (its row visible) or rolled back
 * (its number never appears); (2) <b>seal</b>: in batches of {@link #BATCH}, each one transaction holding the
 * ledger's append lock (the {@code schema_version} row of {@code ledger_meta}, which serialises sealers of every
 * process, and any older LedgerJDBC appending directly), read the lowest pending rows below {@code bound}, append
 * them as entries on the head and delete them. Every number below {@code bound} is then sealed.
 *
 * <p>Idempotence and crashes: a batch's inserts and deletes commit together, so a crash anywhere leaves each
 * pending row either pending (the next cycle, in any process, seals it) or sealed and gone; a seq is a primary key,
 * so no row can be sealed twice even by a sealer that ignored the lock.
 *
 * <p>Threading: {@link #awaitSealed} and {@link #request} are called by any committing thread.
 */
public final class Sealer {

    /** Pending rows sealed per transaction: large enough to amortise the commit, small enough to hold little. */
    static final int BATCH = 500;
    /** A committer waiting for its seal gives up after this (its entry is committed and stays pending). */
    static final long WAIT_NANOS = 10_000_000_000L;
    private static final long IDLE_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(Sealer.class.getName());

    private static final String PG_GATE = "SELECT nextval('ledger_pending_num') FROM (SELECT pg_advisory_xact_lock("
            + PendingCommit.GATE_KEY + ")) AS seal_gate";
    /** WAIT takes whole seconds on MariaDB (a fraction means NOWAIT). */
    private static final String MARIADB_GATE = "SELECT NEXTVAL(ledger_pending_num) FROM ledger_meta WHERE meta_key = 'seal' FOR UPDATE WAIT 1";
    private static final String APPEND_LOCK = "SELECT meta_value FROM ledger_meta WHERE meta_key = 'schema_version' FOR UPDATE";
    private static final String LAST_ENTRY = "SELECT seq, chain_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1";

    private final SqlDialect dialect;
    private final LedgerNode.RealConnector connector;
    private final BiConsumer<Connection, LedgerHead> afterSeal;
    /** Pause between cycles when nobody waits (asynchronous commits): each gate briefly holds committers back. */
    private final long pauseNanos;

    private final Object monitor = new Object();
    /** The highest order number a committer asked to have sealed. */
    private long requested;
    /** Every number below this is sealed (by this process or another). */
    private long sealedBelow;
    private Thread thread;

    Sealer(SqlDialect dialect, LedgerNode.RealConnector connector, BiConsumer<Connection, LedgerHead> afterSeal, long pauseNanos) {
        this.dialect = dialect;
        this.connector = connector;
        this.afterSeal = afterSeal;
        this.pauseNanos = pauseNanos;
    }

    /** Asks for everything up to {@code num} to be sealed, starting the sealing thread if it is not running. */
    void request(long num) {
        synchronized (monitor) {
            if (num > requested) {
                requested = num;
            }
            if (thread == null) {
                thread = new Thread(this::run, "ledgerjdbc-sealer");
                thread.setDaemon(true);
                thread.start();
            }
            monitor.notifyAll();
        }
    }

    /**
     * Returns once entry {@code num} is sealed (true), or after {@link #WAIT_NANOS} (false: it stays pending and the
     * next cycle of any sealer seals it).
     */
    boolean awaitSealed(long num) throws InterruptedException {
        request(num);
        long deadline = System.nanoTime() + WAIT_NANOS;
        synchronized (monitor) {
            while (sealedBelow <= num) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                monitor.wait(left / 1_000_000 + 1);
            }
            return true;
        }
    }

    private void run() {
        Connection c = null;
        LedgerHead head = null;
        long failures = 0;
        try {
            while (true) {
                long want;
                synchronized (monitor) {
                    long idleSince = System.nanoTime();
                    while (requested < sealedBelow) {
                        long left = IDLE_NANOS - (System.nanoTime() - idleSince);
                        if (left <= 0) {
                            thread = null; // a later request starts a new thread
                            return;
                        }
                        monitor.wait(left / 1_000_000 + 1);
                    }
                    want = requested;
                }
                try {
                    if (c == null) {
                        c = open();
                    }
                    Cycle done = cycle(c, dialect, head, afterSeal);
                    head = done.head();
                    failures = 0;
                    synchronized (monitor) {
                        sealedBelow = Math.max(sealedBelow, done.sealedBelow());
                        monitor.notifyAll();
                    }
                    if (pauseNanos > 0 && done.sealedBelow() > want) {
                        Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
                    }
                } catch (SQLException | RuntimeException e) {
                    head = null;
                    closeQuietly(c);
                    c = null;
                    if (failures++ % 100 == 0) {
                        LOG.log(System.Logger.Level.WARNING, "LedgerJDBC: sealing pending ledger entries failed; retrying", e);
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            synchronized (monitor) {
                thread = null;
            }
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(c);
        }
    }

    private Connection open() throws SQLException {
        Connection c = connector.connect();
        try {
            c.setAutoCommit(false);
            // each statement must see what committed before it (MariaDB's default REPEATABLE READ would not)
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a broken connection is being dropped; the next cycle opens another
            }
        }
    }

    /** What one cycle achieved: every number below {@code sealedBelow} is sealed; {@code head} is the ledger's now. */
    record Cycle(long sealedBelow, LedgerHead head, long sealed) {
    }

    /**
     * Seals every entry that was pending when it began, on {@code c} (autocommit off, READ COMMITTED; each batch
     * committed). {@code cached} is a head believed current, checked against the stored one, or null.
     */
    static Cycle cycle(Connection c, SqlDialect dialect, LedgerHead cached, BiConsumer<Connection, LedgerHead> afterSeal)
            throws SQLException {
        takeTurn(c, dialect, true);
        try {
            return sealBehindGate(c, dialect, cached, afterSeal);
        } finally {
            takeTurn(c, dialect, false);
        }
    }

    /**
     * Sealers of several processes take turns for a whole cycle (a session-level lock, released by a crash with the
     * session), so at most one of them queues at the gate: several sealers' exclusive requests queued one after the
     * other would hold committers back once each.
     */
    private static void takeTurn(Connection c, SqlDialect dialect, boolean take) throws SQLException {
        String sql = dialect == SqlDialect.POSTGRESQL
                ? (take ? "SELECT pg_advisory_lock(" : "SELECT pg_advisory_unlock(") + TURN_KEY + ")"
                : take ? "SELECT GET_LOCK(CONCAT('ledgerjdbc.sealer.', DATABASE()), 60)"
                : "SELECT RELEASE_LOCK(CONCAT('ledgerjdbc.sealer.', DATABASE()))";
        if (dialect == SqlDialect.POSTGRESQL) {
            // one round trip; the lock is the session's, the statement's transaction must not stay open
            try (PreparedStatement ps = c.prepareStatement(sql + (c.getAutoCommit() ? "" : "; COMMIT"))) {
                ps.execute();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (take && rs.getInt(1) != 1) {
                throw new SQLException("another process's sealer kept its turn for 60 s", "55P03");
            }
        } finally {
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /** The sealers' turn (PostgreSQL advisory key): "LJDS" and the ledger's schema, as {@link PendingCommit#GATE_KEY}. */
    private static final String TURN_KEY = "1279935571, hashtext(current_schema())";

    private static Cycle sealBehindGate(Connection c, SqlDialect dialect, LedgerHead cached, BiConsumer<Connection, LedgerHead> afterSeal)
            throws SQLException {
        long bound = gate(c, dialect);
        LedgerStore store = new LedgerStore(dialect);
        LedgerHead head = cached;
        long sealed = 0;
        while (true) {
            List<PendingEntries.Pending> batch;
            try {
                if (dialect == SqlDialect.POSTGRESQL) {
                    PgBatch b = pgBatch(c, store, head, bound);
                    batch = b.pending();
                    head = b.head();
                } else {
                    try (PreparedStatement ps = c.prepareStatement(APPEND_LOCK); ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                    head = current(c, store, head);
                    batch = PendingEntries.read(c, bound, BATCH);
                    head = PendingEntries.seal(c, head, batch);
                    c.commit();
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            sealed += batch.size();
            if (!batch.isEmpty() && afterSeal != null) {
                afterSeal.accept(c, head);
            }
            if (batch.size() < BATCH) {
                return new Cycle(bound, head, sealed);
            }
        }
    }

    private record PgBatch(List<PendingEntries.Pending> pending, LedgerHead head) {
    }

    /**
     * One batch on PostgreSQL in three round trips: the append lock, the last entry and the pending rows in one
     * multi-statement string; the entries' inserts as one pipelined batch; the pending rows' delete with COMMIT.
     */
    private static PgBatch pgBatch(Connection c, LedgerStore store, LedgerHead cached, long bound) throws SQLException {
        List<PendingEntries.Pending> batch = new java.util.ArrayList<>();
        LedgerHead head = cached;
        try (PreparedStatement ps = c.prepareStatement(APPEND_LOCK + "; " + LAST_ENTRY + "; " + PendingEntries.READ_SQL + BATCH)) {
            ps.setLong(1, bound);
            ps.execute();
            ps.getMoreResults(); // past the lock's row
            try (ResultSet rs = ps.getResultSet()) {
                long size = rs.next() ? rs.getLong(1) : 0;
                byte[] chain = size == 0 ? Hashes.GENESIS_CHAIN : rs.getBytes(2);
                if (head == null || size != head.size() || !MessageDigest.isEqual(chain, head.chainHash())) {
                    head = null;
                }
            }
            ps.getMoreResults();
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    batch.add(new PendingEntries.Pending(rs.getLong(1), rs.getBytes(2)));
                }
            }
        }
        if (head == null) {
            head = store.readHead(c); // the first batch, or another process sealed since: O(log n) rows
        }
        if (batch.isEmpty()) {
            c.commit();
            return new PgBatch(batch, head);
        }
        head = PendingEntries.insertSealed(c, head, batch);
        Object[] nums = batch.stream().map(PendingEntries.Pending::num).toArray();
        try (PreparedStatement del = c.prepareStatement("DELETE FROM ledger_pending WHERE num = ANY (?); COMMIT")) {
            // exactly the rows sealed, so nothing else can go whatever the count below says
            del.setArray(1, c.createArrayOf("bigint", nums));
            del.execute();
            if (del.getUpdateCount() != batch.size()) {
                throw new SQLException("sealing deleted " + del.getUpdateCount() + " pending rows, not the " + batch.size()
                        + " it sealed", "XX000");
            }
        }
        return new PgBatch(batch, head);
    }

    /**
     * The gate (see the class comment): returns a number every smaller one of which is resolved.
     *
     * <p>While the sealer waits for the gate, new committers queue behind it (PostgreSQL and InnoDB grant a shared
     * request only if no exclusive one waits before it). A committer already holding the gate could, in its COMMIT,
     * wait for a row lock of one of those (a deferred constraint check): a cycle. So on PostgreSQL the sealer waits
     * at most {@link #GATE_WAIT} and then gives way and tries again, well before the deadlock detector (1 s) could
     * pick an application transaction; InnoDB detects the cycle at once and rolls back the transaction with the
     * fewest changes, which is the sealer's gate, and the gate waits at most 1 s (WAIT takes whole seconds).
     */
    private static long gate(Connection c, SqlDialect dialect) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (dialect == SqlDialect.POSTGRESQL) {
                    // one round trip: lock timeout, gate and number, ROLLBACK (one Sync)
                    try (PreparedStatement ps = c.prepareStatement(PG_GATE_TIMEOUT + "; " + PG_GATE + "; ROLLBACK")) {
                        ps.execute();
                        ps.getMoreResults();
                        try (ResultSet rs = ps.getResultSet()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                }
                long bound;
                try (PreparedStatement ps = c.prepareStatement(dialect == SqlDialect.POSTGRESQL ? PG_GATE : MARIADB_GATE);
                     ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("the seal gate returned no number: ledger_meta has no 'seal' row", "XX000");
                    }
                    bound = rs.getLong(1);
                }
                // Releases the gate at once. A rollback: the gate wrote nothing that must last (a sequence's numbers are
                // not transactional), and a commit would wait for a log flush (InnoDB's sequence table) while holding it.
                c.rollback();
                return bound;
            } catch (SQLException e) {
                c.rollback();
                boolean gaveWay = "55P03".equals(e.getSQLState()) || "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState())
                        || e.getErrorCode() == 1205 || e.getErrorCode() == 1213; // MariaDB: lock wait timeout, deadlock
                if (!gaveWay || attempt >= 1000) {
                    throw e;
                }
            }
        }
    }

    /** How long the sealer queues for the gate before giving way (see {@link #gate}). */
    static final String GATE_WAIT = "200ms";
    private static final String PG_GATE_TIMEOUT = "SELECT set_config('lock_timeout', '" + GATE_WAIT + "', true)";

    /** The stored head: {@code cached} when the last stored entry is still its last, else read afresh. */
    private static LedgerHead current(Connection c, LedgerStore store, LedgerHead cached) throws SQLException {
        if (cached != null) {
            try (PreparedStatement ps = c.prepareStatement(LAST_ENTRY); ResultSet rs = ps.executeQuery()) {
                long size = rs.next() ? rs.getLong(1) : 0;
                byte[] chain = size == 0 ? Hashes.GENESIS_CHAIN : rs.getBytes(2);
                if (size == cached.size() && MessageDigest.isEqual(chain, cached.chainHash())) {
                    return cached;
                }
            }
        }
        return store.readHead(c);
    }

    private static final List<Sealer> LIVE = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How long the JVM's exit waits for the sealing of what this process left pending (ledger.seal=async). */
    private static final long EXIT_NANOS = 2_000_000_000L;

    /**
     * Registers {@code sealer} for the exit hook: an orderly JVM exit seals what this process committed, waiting at
     * most 2 s in all. Whatever stays pending (a kill, a longer wait) is sealed by the next sealer of any process.
     */
    static void sealAtExit(Sealer sealer) {
        synchronized (LIVE) {
            if (LIVE.isEmpty()) {
                Runtime.getRuntime().addShutdownHook(new Thread(Sealer::sealLeftovers, "ledgerjdbc-sealer-exit"));
            }
            LIVE.add(sealer);
        }
    }

    private static void sealLeftovers() {
        long deadline = System.nanoTime() + EXIT_NANOS;
        for (Sealer s : LIVE) {
            long want;
            synchronized (s.monitor) {
                want = s.requested;
                if (want == 0 || want < s.sealedBelow) {
                    continue;
                }
            }
            s.request(want);
            synchronized (s.monitor) {
                while (s.sealedBelow <= want && System.nanoTime() < deadline) {
                    try {
                        s.monitor.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Seals every entry pending on {@code c}'s database now, on {@code c} (any mode; restored after): for tools and
     * tests that need the whole ledger sealed, e.g. before comparing it with the tables.
     *
     * @return how many entries it sealed
     */
    public static long sealAll(Connection c) throws SQLException {
        SqlDialect dialect = SqlDialect.of(c);
        if ((dialect != SqlDialect.POSTGRESQL && dialect != SqlDialect.MARIADB) || !PendingEntries.enabled(c)) {
            if (!c.getAutoCommit()) {
                c.rollback(); // the version read must not leave a transaction open
            }
            return 0;
        }
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        if (autoCommit) {
            c.setAutoCommit(false);
        } else {
            c.rollback();
        }
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return cycle(c, dialect, null, null).sealed();
        } finally {
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(autoCommit);
        }
    }
}
