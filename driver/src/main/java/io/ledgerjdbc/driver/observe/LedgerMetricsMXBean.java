package io.ledgerjdbc.driver.observe;

/**
 * Per database, registered as {@code io.ledgerjdbc:type=Ledger,database="<URL without parameters>"}. Counts
 * what this process appended to that database's ledger since it started.
 */
public interface LedgerMetricsMXBean {

    /** The database, as its URL without parameters. */
    String getDatabase();

    /** Ledger entries committed (one per committed transaction that changed something). */
    long getEntriesAppended();

    /** Row images recorded (inserted, updated, deleted and adopted rows). */
    long getRowsCaptured();

    /** Schema changes recorded. */
    long getDdlChangesRecorded();

    /** Time spent committing those entries, in microseconds (divided by EntriesAppended: the mean commit time). */
    long getTotalCommitMicros();
}
