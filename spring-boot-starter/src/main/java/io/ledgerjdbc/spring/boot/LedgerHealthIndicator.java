package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.driver.observe.DriverMetrics;
import io.ledgerjdbc.driver.observe.DriverMetricsMXBean;
import io.ledgerjdbc.replication.ClusterStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * One ledger DataSource's health.
 * <ul>
 *   <li>Always: the database (URL without parameters) and the ledger's size, read through the DataSource; DOWN
 *       when that read fails.</li>
 *   <li>When this process has verified a ledger (through {@code TimedVerifier}): the last verification's findings
 *       and duration; DOWN when it found any (the counters are the process's, not this database's).</li>
 *   <li>A cluster member: its role, the leader, the term, commit index, applied index and their difference (the
 *       replication lag), its view and why it stopped applying, if it did. DOWN when it diverged (it stopped
 *       applying the cluster's log) or knows no leader (no write can commit).</li>
 * </ul>
 */
public class LedgerHealthIndicator extends AbstractHealthIndicator {

    private static final String LEDGER_SIZE = "SELECT COALESCE(MAX(seq), 0) FROM ledger_entry";

    private final DataSource dataSource;
    private final String rawUrl;

    public LedgerHealthIndicator(DataSource dataSource, String ledgerUrl) {
        super("LedgerJDBC health check failed");
        this.dataSource = dataSource;
        this.rawUrl = LedgerUrl.rawUrl(ledgerUrl);
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        builder.up().withDetail("database", LedgerUrl.withoutParameters(rawUrl));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(LEDGER_SIZE)) {
            rs.next();
            builder.withDetail("ledgerSize", rs.getLong(1));
        }
        lastVerification(builder, DriverMetrics.get());
        LedgerDatabase.clusterStatus(rawUrl).ifPresent(status -> cluster(builder, status));
    }

    static void lastVerification(Health.Builder builder, DriverMetricsMXBean metrics) {
        if (metrics.getVerifications() == 0) {
            return;
        }
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("findings", metrics.getLastVerifyFindings());
        last.put("millis", metrics.getLastVerifyMillis());
        builder.withDetail("lastVerification", last);
        if (metrics.getLastVerifyFindings() > 0) {
            builder.down();
        }
    }

    static void cluster(Health.Builder builder, ClusterStatus status) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("node", status.nodeId());
        cluster.put("role", status.role());
        cluster.put("leader", status.leader());
        cluster.put("term", status.term());
        cluster.put("commitIndex", status.commitIndex());
        cluster.put("applied", status.applied());
        cluster.put("replicationLag", replicationLag(status));
        cluster.put("view", status.view());
        if (status.diverged() != null) {
            cluster.put("diverged", status.diverged());
            builder.down();
        } else if (status.leader() == null) {
            cluster.put("problem", "no leader: no write can commit until a majority elects one");
            builder.down();
        }
        builder.withDetail("cluster", cluster);
    }

    /** Commands the cluster has committed that this member has not applied yet. */
    static long replicationLag(ClusterStatus status) {
        return Math.max(0, status.commitIndex() - status.applied());
    }
}
