package io.ledgerjdbc.driver.observe;

import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One database's counters and log lines. Logging: nothing at INFO on the statement path; DEBUG (logger
 * {@code io.ledgerjdbc.capture}) shows each committed entry's changes, one line each; INFO (logger
 * {@code io.ledgerjdbc.ledger}) once when this process creates a ledger.
 */
public final class LedgerMetrics implements LedgerMetricsMXBean {

    private static final Logger CAPTURE = LoggerFactory.getLogger("io.ledgerjdbc.capture");
    private static final Logger LEDGER = LoggerFactory.getLogger("io.ledgerjdbc.ledger");
    private static final Map<String, LedgerMetrics> BY_DATABASE = new ConcurrentHashMap<>();

    private final String database;
    private final LongAdder entries = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final LongAdder ddl = new LongAdder();
    private final LongAdder commitNanos = new LongAdder();
    private final List<LongConsumer> commitListeners = new CopyOnWriteArrayList<>();

    private LedgerMetrics(String database) {
        this.database = database;
    }

    /** The metrics of the database behind {@code rawUrl}, registered with JMX on first use. */
    public static LedgerMetrics forDatabase(String rawUrl) {
        DriverMetrics.get(); // the process-wide bean is visible from the first connection on
        String database = withoutParameters(rawUrl);
        return BY_DATABASE.computeIfAbsent(database, d -> {
            LedgerMetrics m = new LedgerMetrics(d);
            Jmx.register(m, objectName(d));
            return m;
        });
    }

    /** {@code io.ledgerjdbc:type=Ledger,database="…"} for a database URL (parameters, which may hold secrets, cut). */
    public static String objectName(String rawUrl) {
        return "io.ledgerjdbc:type=Ledger,database=" + ObjectName.quote(withoutParameters(rawUrl));
    }

    private static String withoutParameters(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0) cut = Math.min(cut, i);
        }
        return url.substring(0, cut);
    }

    /** The one INFO line of a ledger's life in this process. */
    public void created(SqlDialect dialect) {
        LEDGER.info("LedgerJDBC created a ledger in {} ({})", database, dialect);
    }

    /**
     * An entry with {@code changes} was committed; its commit (appending the entry, the database commit and, in a
     * cluster, ordering and applying the write-set) took {@code commitNanos}.
     */
    public void appended(List<Change> changes, long commitNanos) {
        this.commitNanos.add(commitNanos);
        for (LongConsumer listener : commitListeners) {
            listener.accept(commitNanos);
        }
        entries.increment();
        for (Change c : changes) {
            if (c instanceof RowChange) rows.increment(); else ddl.increment();
        }
        if (CAPTURE.isDebugEnabled()) {
            for (Change c : changes) {
                CAPTURE.debug("{} {}", database, summary(c));
            }
        }
    }

    private static String summary(Change c) {
        if (c instanceof RowChange rc) {
            return rc.op() + " " + rc.table() + " " + rc.key();
        }
        DdlChange d = (DdlChange) c;
        String sql = d.sql().strip().replaceAll("\\s+", " ");
        return "DDL " + d.object() + ": " + (sql.length() > 120 ? sql.substring(0, 120) + "…" : sql);
    }

    /**
     * Calls {@code listener} with the duration in nanoseconds of every later commit that appends an entry to this
     * database's ledger, on the committing thread (keep it short; it must not throw). For meter registries that
     * want every sample (a Micrometer Timer); close the returned handle to stop.
     */
    public AutoCloseable onCommit(LongConsumer listener) {
        commitListeners.add(listener);
        return () -> commitListeners.remove(listener);
    }

    @Override
    public long getTotalCommitMicros() {
        return commitNanos.sum() / 1_000;
    }

    @Override
    public String getDatabase() {
        return database;
    }

    @Override
    public long getEntriesAppended() {
        return entries.sum();
    }

    @Override
    public long getRowsCaptured() {
        return rows.sum();
    }

    @Override
    public long getDdlChangesRecorded() {
        return ddl.sum();
    }
}
