package io.ledgerjdbc.ledger.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link LedgerStore#scan} with the reading on a second thread, a few pages ahead of the visitor: a verification
 * spends about as long in the JDBC driver (and, on a server, waiting for it) as in its own hashing and state
 * folding, and the two can run side by side. Memory stays flat: at most {@link #PAGES_AHEAD} pages wait.
 *
 * <p>The connection is never used by two threads at once: the reader holds {@link #connectionGuard()} while it
 * runs a page query, and a visitor that needs the connection during the scan takes the guard first. The reader
 * is never interrupted (an interrupt can close a database file's channel); it stops after its current page.
 */
public final class ReadAheadScan {

    private static final int PAGES_AHEAD = 2;
    private static final Object END = new Object();

    private final ReentrantLock guard = new ReentrantLock();

    /** Hold this to use the scanned connection from the visitor while a scan runs. */
    public ReentrantLock connectionGuard() {
        return guard;
    }

    /** Visits every row with {@code seq >= fromSeq} in order, on the calling thread; rethrows the reader's failure. */
    public void scan(Connection c, long fromSeq, Consumer<StoredEntry> visitor) throws SQLException {
        BlockingQueue<Object> pages = new ArrayBlockingQueue<>(PAGES_AHEAD + 1); // + 1: room for the end or a failure
        Reader reader = new Reader(c, fromSeq, pages);
        Thread thread = new Thread(reader, "ledgerjdbc-scan");
        thread.setDaemon(true);
        thread.start();
        try {
            while (true) {
                Object next = take(pages);
                if (next == END) {
                    return;
                }
                if (next instanceof Failure f) {
                    throw f.rethrow();
                }
                @SuppressWarnings("unchecked")
                List<StoredEntry> page = (List<StoredEntry>) next;
                page.forEach(visitor);
            }
        } finally {
            reader.stop = true;
            pages.clear(); // unblocks a reader waiting for room
            joinQuietly(thread);
        }
    }

    private static Object take(BlockingQueue<Object> pages) throws SQLException {
        try {
            return pages.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while reading the ledger", SqlStates.QUERY_CANCELED, e);
        }
    }

    private static void joinQuietly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // the reader ends by itself after its page; wait for it so it never outlives the scan
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The reader thread: pages into the queue, then END, or the failure that stopped it. */
    private final class Reader implements Runnable {
        private final Connection c;
        private final long fromSeq;
        private final BlockingQueue<Object> pages;
        volatile boolean stop;

        Reader(Connection c, long fromSeq, BlockingQueue<Object> pages) {
            this.c = c;
            this.fromSeq = fromSeq;
            this.pages = pages;
        }

        @Override
        public void run() {
            PreparedStatement ps = null;
            try {
                guard.lock();
                try {
                    ps = c.prepareStatement(LedgerStore.PAGE_SQL);
                } finally {
                    guard.unlock();
                }
                long next = fromSeq;
                while (!stop) {
                    List<StoredEntry> page = new ArrayList<>(LedgerStore.PAGE);
                    guard.lock();
                    try {
                        LedgerStore.readPage(ps, next, page);
                    } finally {
                        guard.unlock();
                    }
                    if (!page.isEmpty()) {
                        next = page.get(page.size() - 1).seq() + 1;
                        offer(page);
                    }
                    if (page.size() < LedgerStore.PAGE) {
                        offer(END);
                        break;
                    }
                }
            } catch (SQLException | RuntimeException | Error e) {
                offer(new Failure(e));
            } finally {
                close(ps);
            }
        }

        private void close(PreparedStatement ps) {
            if (ps == null) {
                return;
            }
            guard.lock();
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the pages were read; a statement that will not close changes nothing about them
            } finally {
                guard.unlock();
            }
        }

        /** Waits for room unless the scan was abandoned. */
        private void offer(Object item) {
            try {
                while (!stop && !pages.offer(item, 50, TimeUnit.MILLISECONDS)) {
                    // the visitor is busy; look again
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What stopped the reader, thrown again on the visitor's thread with its SQLState and cause intact. */
    private record Failure(Throwable cause) {
        SQLException rethrow() {
            if (cause instanceof SQLException e) {
                return e;
            }
            if (cause instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) cause;
        }
    }
}
