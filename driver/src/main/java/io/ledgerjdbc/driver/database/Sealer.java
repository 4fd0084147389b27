package io.ledgerjdbc.driver.database;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.backend.Sealing;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.SqlStates;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Seals pending entries (see {@link PendingCommit}): one per database per process, on a thread and a connection of
 * its own, started when a commit asks and stopped after a second without work.
 *
 * <p>One cycle: (1) the <b>bound</b>: take an order number {@code bound}. Where the backend has a seal gate
 * (MariaDB) it is taken under the gate held exclusively, which waits for every committer inside its commit, so every
 * number below it belongs to a transaction that has ended; without a gate (PostgreSQL) every entry committed before
 * this step is below it, and an entry committed later with a smaller number is sealed by a later cycle, after larger
 * numbers: such a pair never conflicts (docs/ledger-format.md §6.1 has the argument). (2) <b>seal</b>: in batches
 * of {@link #BATCH}, each one transaction holding the ledger's append lock (the {@code schema_version} row of
 * {@code ledger_meta}, which serialises sealers of every process, and any older LedgerJDBC appending directly), read
 * the lowest visible pending rows below {@code bound}, append them as entries on the head and delete them, until a
 * batch is not full. Every entry committed before the cycle began is then sealed.
 *
 * <p>How each step is said on the database, and in how many round trips, is its backend's {@link Sealing}.
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
    /** The sealers the exit hook finishes (see {@link #sealAtExit}). */
    private static final List<Sealer> LIVE = new CopyOnWriteArrayList<>();
    /** How long the JVM's exit waits for the sealing of what this process left pending (ledger.seal=async). */
    private static final long EXIT_NANOS = 2_000_000_000L;

    private final Sealing sealing;
    private final LedgerDatabase.RealConnector connector;
    private final BiConsumer<Connection, LedgerHead> afterSeal;
    /** Pause between cycles when nobody waits (asynchronous commits): each gate briefly holds committers back. */
    private final long pauseNanos;

    private final Object monitor = new Object();
    /** Requests so far: each commit's request takes the next ticket, after its commit has ended. */
    private long tickets;
    /**
     * Every request with a ticket up to this is sealed: a cycle that began after a request seals that request's
     * entry (its commit ended before the cycle's first read, so the entry is visible to it and below its bound).
     */
    private long sealedTickets;
    private Thread thread;

    Sealer(Sealing sealing, LedgerDatabase.RealConnector connector, BiConsumer<Connection, LedgerHead> afterSeal, long pauseNanos) {
        this.sealing = sealing;
        this.connector = connector;
        this.afterSeal = afterSeal;
        this.pauseNanos = pauseNanos;
    }

    /**
     * Asks for a cycle that begins after this call, starting the sealing thread if it is not running. Called after a
     * commit has ended, so that cycle seals the commit's entry.
     *
     * @return the request's ticket, which {@link #awaitSealed} takes
     */
    long request() {
        synchronized (monitor) {
            long ticket = ++tickets;
            if (thread == null) {
                thread = new Thread(this::run, "ledgerjdbc-sealer");
                thread.setDaemon(true);
                thread.start();
            }
            monitor.notifyAll();
            return ticket;
        }
    }

    /**
     * Asks for a cycle ({@link #request}) and returns once it has sealed (true), or after {@link #WAIT_NANOS} (false:
     * the entry stays pending and the next cycle of any sealer seals it).
     */
    boolean awaitSealed() throws InterruptedException {
        long ticket = request();
        long deadline = System.nanoTime() + WAIT_NANOS;
        synchronized (monitor) {
            while (sealedTickets < ticket) {
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
                    while (sealedTickets == tickets) {
                        long left = IDLE_NANOS - (System.nanoTime() - idleSince);
                        if (left <= 0) {
                            thread = null; // a later request starts a new thread
                            return;
                        }
                        monitor.wait(left / 1_000_000 + 1);
                    }
                    want = tickets;
                }
                try {
                    if (c == null) {
                        c = open();
                    }
                    Cycle done = cycle(c, sealing, head, afterSeal);
                    head = done.head();
                    failures = 0;
                    synchronized (monitor) {
                        sealedTickets = Math.max(sealedTickets, want);
                        monitor.notifyAll();
                    }
                    if (pauseNanos > 0) {
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

    /**
     * What one cycle achieved: every entry committed before the cycle began is sealed ({@code sealed} of them by this
     * cycle); {@code head} is the ledger's now.
     */
    record Cycle(LedgerHead head, long sealed) {
    }

    /**
     * Seals every entry that was pending when it began, on {@code c} (autocommit off, READ COMMITTED; each batch
     * committed). {@code cached} is a head believed current, checked against the stored one, or null.
     */
    static Cycle cycle(Connection c, Sealing sealing, LedgerHead cached, BiConsumer<Connection, LedgerHead> afterSeal)
            throws SQLException {
        // Sealers of several processes take turns for a whole cycle, so at most one of them queues at the gate:
        // several sealers' exclusive requests queued one after the other would hold committers back once each.
        sealing.takeTurn(c, true);
        try {
            return sealUpToBound(c, sealing, cached, afterSeal);
        } finally {
            sealing.takeTurn(c, false);
        }
    }

    private static Cycle sealUpToBound(Connection c, Sealing sealing, LedgerHead cached, BiConsumer<Connection, LedgerHead> afterSeal)
            throws SQLException {
        long bound = bound(c, sealing);
        LedgerHead head = cached;
        long sealed = 0;
        while (true) {
            Sealing.Batch batch;
            try {
                batch = sealing.sealBatch(c, head, bound, BATCH);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            head = batch.head();
            sealed += batch.pending().size();
            if (!batch.pending().isEmpty() && afterSeal != null) {
                afterSeal.accept(c, head);
            }
            if (batch.pending().size() < BATCH) {
                return new Cycle(head, sealed);
            }
        }
    }

    /**
     * The cycle's bound (see the class comment): every entry committed before it has a smaller number; where the
     * backend has a seal gate (MariaDB), every smaller number is resolved.
     *
     * <p>While the sealer waits for a gate, new committers queue behind it (InnoDB grants a shared request only if no
     * exclusive one waits before it). A committer already holding the gate could, in its COMMIT,
     * wait for a row lock of one of those (a deferred constraint check): a cycle. So the sealer waits briefly (a lock
     * timeout, or InnoDB's deadlock detection, which picks the gate as the transaction with the fewest changes), then
     * gives way and tries again, before an application transaction could be picked.
     */
    private static long bound(Connection c, Sealing sealing) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return sealing.takeBound(c);
            } catch (SQLException e) {
                c.rollback();
                if (!SqlStates.isLockConflict(e) || attempt >= 1000) {
                    throw e;
                }
            }
        }
    }

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
            synchronized (s.monitor) {
                if (s.sealedTickets == s.tickets) {
                    continue; // everything this process committed is sealed
                }
            }
            long ticket = s.request();
            synchronized (s.monitor) {
                while (s.sealedTickets < ticket && System.nanoTime() < deadline) {
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
        Sealing sealing = Backend.of(SqlDialect.of(c)).sealing();
        if (sealing == null || !PendingEntries.enabled(c)) {
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
            return cycle(c, sealing, null, null).sealed();
        } finally {
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(autoCommit);
        }
    }
}
