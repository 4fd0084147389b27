package io.ledgerjdbc.driver.observe;

/** Process-wide, registered as {@code io.ledgerjdbc:type=Driver}. */
public interface DriverMetricsMXBean {

    /** Statements refused before they ran (SQLState 0A000), on any database. */
    long getRefusedStatements();

    /** Verifications run through {@link TimedVerifier}. */
    long getVerifications();

    /** Duration of the last verification, in milliseconds (-1 before the first). */
    long getLastVerifyMillis();

    /** Total time spent verifying, in milliseconds. */
    long getTotalVerifyMillis();

    /** Findings of the last verification (0: clean; -1 before the first). */
    long getLastVerifyFindings();
}
