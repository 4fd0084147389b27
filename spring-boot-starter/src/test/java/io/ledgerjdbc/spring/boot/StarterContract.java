package io.ledgerjdbc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.ledgerjdbc.driver.LedgerDriver;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.health.SystemHealth;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the starter promises a Boot application, on one backend: the subclasses give the URL through
 * {@code spring.datasource.url} only (no driver class, no Hikari data-source properties) and set
 * {@code spring.datasource.ledger.node=boot-a} and {@code spring.datasource.ledger.sequence-reads=refuse} in the application's properties.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class StarterContract {

    static final String PROPERTIES_NODE = "spring.datasource.ledger.node=boot-a";
    static final String PROPERTIES_SEQUENCES = "spring.datasource.ledger.sequence-reads=refuse";
    static final String PROPERTIES_HEALTH = "management.endpoint.health.show-details=always";
    static final String PROPERTIES_CAPTURE_LOG = "logging.level.io.ledgerjdbc.capture=DEBUG";

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MeterRegistry meters;

    /** A query that only takes the next value of sequence {@code s}, in this backend's dialect. */
    abstract String nextValueQuery(String sequence);

    /** Seals what is pending (PostgreSQL, MariaDB: a commit returns before its entry is sealed); elsewhere nothing. */
    void sealPending() throws SQLException {
    }

    static String table() {
        return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void bootsHikariPoolGetsTheLedgerDriverFromTheUrlAlone() throws Exception {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        assertThat(pool.getJdbcUrl()).startsWith("jdbc:ledger:");
        assertThat(pool.getDriverClassName()).isEqualTo(LedgerDriver.class.getName());
    }

    @Test
    void ledgerOptionsInApplicationPropertiesReachTheDriver() {
        String t = table();
        jdbc.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
        jdbc.update("INSERT INTO " + t + " VALUES (1, 'a')");
        byte[] last = jdbc.queryForObject("SELECT entry FROM ledger_entry ORDER BY seq DESC LIMIT 1", byte[].class);
        assertThat(EntryCodec.decode(last).originNode()).as("spring.datasource.ledger.node=boot-a").isEqualTo("boot-a");

        // spring.datasource.ledger.sequence-reads=refuse (kebab case) is the driver's ledger.sequenceReads
        jdbc.execute("CREATE SEQUENCE s_" + t);
        assertThatThrownBy(() -> jdbc.queryForObject(nextValueQuery("s_" + t), Long.class))
                .isInstanceOf(DataAccessException.class)
                .satisfies(e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("0A000"));
    }

    @Test
    void healthShowsTheLedgerSize() throws SQLException {
        String t = table();
        jdbc.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY)");
        jdbc.update("INSERT INTO " + t + " VALUES (1)");
        sealPending(); // the health reports the sealed ledger: compare it with a ledger the sealer cannot still grow
        long size = jdbc.queryForObject("SELECT MAX(seq) FROM ledger_entry", Long.class);

        var ledger = health.healthForPath("ledger");
        assertThat(ledger.getStatus()).isEqualTo(Status.UP);
        assertThat(((org.springframework.boot.actuate.health.Health) ledger).getDetails())
                .containsEntry("ledgerSize", size)
                .doesNotContainKey("cluster");
        assertThat(((SystemHealth) health.health()).getComponents()).containsKey("ledger");
    }

    @Test
    void metersCountEntriesCommitsAndRefusals() {
        String t = table();
        jdbc.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY)");
        double entries = meters.get("ledgerjdbc.entries.appended").functionCounter().count();
        long commits = meters.get("ledgerjdbc.commit").timer().count();
        double refused = meters.get("ledgerjdbc.statements.refused").functionCounter().count();

        jdbc.update("INSERT INTO " + t + " VALUES (1)");
        jdbc.update("INSERT INTO " + t + " VALUES (2)");
        assertThatThrownBy(() -> jdbc.execute("TRUNCATE TABLE " + t)).isInstanceOf(DataAccessException.class);

        assertThat(meters.get("ledgerjdbc.entries.appended").functionCounter().count()).isEqualTo(entries + 2);
        assertThat(meters.get("ledgerjdbc.commit").timer().count()).isEqualTo(commits + 2);
        assertThat(meters.get("ledgerjdbc.commit").timer().max(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(meters.get("ledgerjdbc.statements.refused").functionCounter().count()).isEqualTo(refused + 1);
        assertThat(meters.get("ledgerjdbc.replication.lag").gauge().value()).as("standalone").isNaN();
        assertThat(meters.get("ledgerjdbc.entries.appended").functionCounter().getId().getTag("database"))
                .startsWith("jdbc:").doesNotContain("?");
    }

    @Test
    void theCaptureLogIsDebugThroughTheApplicationsLogging(CapturedOutput output) {
        String t = table();
        jdbc.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY)");
        jdbc.update("INSERT INTO " + t + " VALUES (42)");
        assertThat(output.getOut()).containsPattern("(?i)io\\.ledgerjdbc\\.capture.*INSERT \\S*" + t + "\\S* \\{\\S+=42\\}");
    }

    static Map<String, Object> details(org.springframework.boot.actuate.health.HealthComponent component) {
        return ((org.springframework.boot.actuate.health.Health) component).getDetails();
    }
}
