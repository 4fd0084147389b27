package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.driver.observe.DriverMetrics;
import io.ledgerjdbc.driver.observe.LedgerMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;

/**
 * Micrometer meters over the driver's own counters (the same ones JMX shows, read through {@code observe}), one set
 * per database, tagged {@code database=<URL without parameters>}:
 * <ul>
 *   <li>{@code ledgerjdbc.entries.appended}, {@code ledgerjdbc.rows.captured}, {@code ledgerjdbc.ddl.recorded}
 *       (counters: what this process appended to that database's ledger);</li>
 *   <li>{@code ledgerjdbc.commit} (timer: every commit that appended an entry, cluster ordering included);</li>
 *   <li>{@code ledgerjdbc.replication.lag} (gauge: commands committed in the cluster and not yet applied on this
 *       member; NaN when standalone).</li>
 * </ul>
 * And process-wide: {@code ledgerjdbc.statements.refused} (counter, SQLState 0A000), {@code ledgerjdbc.verifications}
 * (counter) and {@code ledgerjdbc.verification.findings} (gauge: findings of the last verification, NaN before one).
 */
public class LedgerMeterBinder implements MeterBinder, DisposableBean {

    private final Set<String> rawUrls = new LinkedHashSet<>();
    private final List<AutoCloseable> commitListeners = new ArrayList<>();

    public LedgerMeterBinder(Collection<String> ledgerUrls) {
        for (String url : ledgerUrls) {
            rawUrls.add(LedgerUrl.rawUrl(url));
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        DriverMetrics driver = DriverMetrics.get();
        FunctionCounter.builder("ledgerjdbc.statements.refused", driver, DriverMetrics::getRefusedStatements)
                .description("Statements refused before they ran (SQLState 0A000), all databases")
                .register(registry);
        FunctionCounter.builder("ledgerjdbc.verifications", driver, DriverMetrics::getVerifications)
                .description("Ledger verifications run through TimedVerifier")
                .register(registry);
        Gauge.builder("ledgerjdbc.verification.findings", driver,
                        d -> d.getVerifications() == 0 ? Double.NaN : d.getLastVerifyFindings())
                .description("Findings of the last verification (0: clean)")
                .register(registry);
        Set<String> databases = new LinkedHashSet<>();
        for (String raw : rawUrls) {
            LedgerMetrics metrics = LedgerMetrics.forDatabase(raw);
            if (!databases.add(metrics.getDatabase())) {
                continue; // two DataSources on one database: one set of meters
            }
            Tags tags = Tags.of("database", metrics.getDatabase());
            FunctionCounter.builder("ledgerjdbc.entries.appended", metrics, LedgerMetrics::getEntriesAppended)
                    .description("Ledger entries this process committed (one per transaction that changed something)")
                    .tags(tags).register(registry);
            FunctionCounter.builder("ledgerjdbc.rows.captured", metrics, LedgerMetrics::getRowsCaptured)
                    .description("Row images recorded").tags(tags).register(registry);
            FunctionCounter.builder("ledgerjdbc.ddl.recorded", metrics, LedgerMetrics::getDdlChangesRecorded)
                    .description("Schema changes recorded").tags(tags).register(registry);
            Timer commits = Timer.builder("ledgerjdbc.commit")
                    .description("Commits that appended a ledger entry (entry, database commit, cluster ordering)")
                    .tags(tags).register(registry);
            synchronized (commitListeners) {
                commitListeners.add(metrics.onCommit(nanos -> commits.record(nanos, TimeUnit.NANOSECONDS)));
            }
            Gauge.builder("ledgerjdbc.replication.lag", () -> LedgerDatabase.clusterStatus(raw)
                            .map(s -> (Number) LedgerHealthIndicator.replicationLag(s)).orElse(Double.NaN))
                    .description("Commands the cluster committed that this member has not applied yet")
                    .tags(tags).register(registry);
        }
    }

    @Override
    public void destroy() throws Exception {
        synchronized (commitListeners) {
            for (AutoCloseable listener : commitListeners) {
                listener.close();
            }
            commitListeners.clear();
        }
    }
}
