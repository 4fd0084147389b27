package io.ledgerjdbc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.spring.boot.app.LedgerApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot application that is a cluster member, configured with {@code spring.datasource.ledger.members}, {@code spring.datasource.ledger.data-dir} and
 * {@code spring.datasource.ledger.secret} in its properties: a one-member cluster (its own majority) on H2 and real JGroups over
 * loopback. Health and meters show the member's role, leader and lag.
 */
@SpringBootTest(classes = LedgerApp.class, properties = {"spring.datasource.ledger.node=A", "spring.datasource.ledger.secret=starter-test-secret-0123456789",
        "spring.datasource.ledger.commit-timeout=30s", "management.endpoint.health.show-details=always", "spring.datasource.username=sa"})
// Closed after the class, before JUnit deletes the temporary directory: the cached context would keep the H2
// database open (and writing its files) until the JVM exits.
@org.springframework.test.annotation.DirtiesContext
class ClusterMemberStarterTest {

    @TempDir
    static Path dir;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int member = port;
        registry.add("spring.datasource.url", () -> "jdbc:ledger:h2:" + dir.resolve("member-a").toAbsolutePath());
        registry.add("spring.datasource.ledger.members", () -> "A=127.0.0.1:" + member);
        registry.add("spring.datasource.ledger.data-dir", () -> dir.resolve("raft-a").toString());
    }

    @AfterAll
    static void leave() {
        LedgerDatabase.leaveClusters();
    }

    @Test
    void healthAndMetersShowTheMembersRoleLeaderAndLag() {
        jdbc.execute("CREATE TABLE accounts (id INT PRIMARY KEY, balance INT)");
        long commits = meters.get("ledgerjdbc.commit").timer().count();
        jdbc.update("INSERT INTO accounts VALUES (1, 100)");

        Health ledger = (Health) health.healthForPath("ledger");
        assertThat(ledger.getStatus()).isEqualTo(Status.UP);
        assertThat(ledger.getDetails()).containsEntry("ledgerSize", 2L);
        @SuppressWarnings("unchecked")
        Map<String, Object> cluster = (Map<String, Object>) ledger.getDetails().get("cluster");
        assertThat(cluster).containsEntry("node", "A").containsEntry("role", "Leader").containsEntry("leader", "A")
                .containsEntry("replicationLag", 0L).doesNotContainKey("diverged");
        assertThat(meters.get("ledgerjdbc.replication.lag").gauge().value()).isZero();
        assertThat(meters.get("ledgerjdbc.commit").timer().count()).as("the INSERT's commit through Raft").isEqualTo(commits + 1);
    }
}
