package io.ledgerjdbc.driver.observe;

import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** {@link LedgerVerifier} on a connection, with its duration and findings recorded in {@link DriverMetrics}. */
public final class TimedVerifier {

    private TimedVerifier() {
    }

    /** Verifies the ledger of the database {@code c} is connected to (a raw or a ledger connection). */
    public static VerifyReport verify(Connection c, VerifyOptions options, Consumer<Finding> sink) throws SQLException {
        AtomicLong findings = new AtomicLong();
        long start = System.nanoTime();
        VerifyReport report = new LedgerVerifier(new LedgerStore(SqlDialect.of(c))).verify(c, options, f -> {
            findings.incrementAndGet();
            sink.accept(f);
        });
        DriverMetrics.get().verified((System.nanoTime() - start) / 1_000_000, findings.get());
        return report;
    }
}
