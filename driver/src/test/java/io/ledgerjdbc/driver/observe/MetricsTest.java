package io.ledgerjdbc.driver.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private static long attribute(String objectName, String attribute) throws Exception {
        return ((Number) JMX.getAttribute(new ObjectName(objectName), attribute)).longValue();
    }

    @Test
    void entriesRowsDdlRefusalsAndVerificationsAreVisibleThroughJmx() throws Exception {
        String raw = "jdbc:h2:mem:metrics_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        String bean = LedgerMetrics.objectName(raw);
        assertThat(bean).doesNotContain("DB_CLOSE_DELAY"); // URL parameters (possibly secrets) are not in the name
        long refusedBefore;
        try (Connection c = DriverManager.getConnection("jdbc:ledger:" + raw.substring("jdbc:".length()), "sa", "");
             Statement s = c.createStatement()) {
            assertThat(attribute(bean, "EntriesAppended")).isZero();
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
            s.executeUpdate("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
            s.executeUpdate("UPDATE t SET v = 'c' WHERE id = 1");
            s.executeQuery("SELECT * FROM t").close();
            assertThat(attribute(bean, "EntriesAppended")).isEqualTo(3);
            assertThat(attribute(bean, "RowsCaptured")).isEqualTo(3);
            assertThat(attribute(bean, "DdlChangesRecorded")).isEqualTo(1);
            assertThat(attribute(bean, "TotalCommitMicros")).isPositive();
            var commits = new ArrayList<Long>();
            try (AutoCloseable listening = LedgerMetrics.forDatabase(raw).onCommit(commits::add)) {
                s.executeUpdate("UPDATE t SET v = 'd' WHERE id = 2");
            }
            s.executeUpdate("UPDATE t SET v = 'e' WHERE id = 2");
            assertThat(commits).as("one sample per commit while listening").hasSize(1).allMatch(n -> n > 0);
            assertThat(attribute(bean, "EntriesAppended")).isEqualTo(5);

            refusedBefore = attribute(DriverMetrics.OBJECT_NAME, "RefusedStatements");
            assertThatThrownBy(() -> s.executeUpdate("TRUNCATE TABLE t")).isInstanceOf(SQLException.class);
            assertThat(attribute(DriverMetrics.OBJECT_NAME, "RefusedStatements")).isEqualTo(refusedBefore + 1);
            assertThat(attribute(bean, "EntriesAppended")).as("a refusal appends nothing").isEqualTo(5);
        }
        long verificationsBefore = attribute(DriverMetrics.OBJECT_NAME, "Verifications");
        try (Connection c = DriverManager.getConnection(raw, "sa", "")) {
            var findings = new ArrayList<>();
            TimedVerifier.verify(c, VerifyOptions.defaults(), findings::add);
            assertThat(findings).isEmpty();
        }
        assertThat(attribute(DriverMetrics.OBJECT_NAME, "Verifications")).isEqualTo(verificationsBefore + 1);
        assertThat(attribute(DriverMetrics.OBJECT_NAME, "LastVerifyMillis")).isNotNegative();
        assertThat(attribute(DriverMetrics.OBJECT_NAME, "LastVerifyFindings")).isZero();
    }
}
