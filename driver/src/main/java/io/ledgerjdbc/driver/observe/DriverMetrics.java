package io.ledgerjdbc.driver.observe;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The process-wide counters (see {@link DriverMetricsMXBean}). */
public final class DriverMetrics implements DriverMetricsMXBean {

    public static final String OBJECT_NAME = "io.ledgerjdbc:type=Driver";
    private static final DriverMetrics INSTANCE = new DriverMetrics();

    static {
        Jmx.register(INSTANCE, OBJECT_NAME);
    }

    private final LongAdder refused = new LongAdder();
    private final AtomicLong verifications = new AtomicLong();
    private final AtomicLong lastVerifyMillis = new AtomicLong(-1);
    private final AtomicLong totalVerifyMillis = new AtomicLong();
    private final AtomicLong lastVerifyFindings = new AtomicLong(-1);

    private DriverMetrics() {
    }

    public static DriverMetrics get() {
        return INSTANCE;
    }

    public void refused() {
        refused.increment();
    }

    void verified(long millis, long findings) {
        verifications.incrementAndGet();
        lastVerifyMillis.set(millis);
        totalVerifyMillis.addAndGet(millis);
        lastVerifyFindings.set(findings);
    }

    @Override
    public long getRefusedStatements() {
        return refused.sum();
    }

    @Override
    public long getVerifications() {
        return verifications.get();
    }

    @Override
    public long getLastVerifyMillis() {
        return lastVerifyMillis.get();
    }

    @Override
    public long getTotalVerifyMillis() {
        return totalVerifyMillis.get();
    }

    @Override
    public long getLastVerifyFindings() {
        return lastVerifyFindings.get();
    }
}
