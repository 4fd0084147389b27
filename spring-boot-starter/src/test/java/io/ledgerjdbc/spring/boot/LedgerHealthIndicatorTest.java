package io.ledgerjdbc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.replication.ClusterStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** How a member's cluster status maps to health (table-driven; the statuses are values, as the driver reports them). */
class LedgerHealthIndicatorTest {

    record Case(String name, ClusterStatus status, Status expected, long lag) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<String> view = List.of("A", "B", "C");
        return List.of(
                new Case("leader, caught up", new ClusterStatus("A", "Leader", "A", 3, 90, 90, view, 80, null), Status.UP, 0),
                new Case("follower behind", new ClusterStatus("B", "Follower", "A", 3, 90, 70, view, 60, null), Status.UP, 20),
                new Case("diverged", new ClusterStatus("C", "Follower", "A", 3, 90, 50, view, 40, "seq 41 differs"), Status.DOWN, 40),
                new Case("no leader", new ClusterStatus("C", "Follower", null, 4, 90, 90, List.of("C"), 80, null), Status.DOWN, 0),
                new Case("applied ahead of a stale commit index", new ClusterStatus("B", "Follower", "A", 3, 5, 9, view, 9, null), Status.UP, 0));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void clusterStatusMapsToHealth(Case c) {
        Health.Builder builder = Health.up();
        LedgerHealthIndicator.cluster(builder, c.status());
        Health health = builder.build();
        assertThat(health.getStatus()).isEqualTo(c.expected());
        @SuppressWarnings("unchecked")
        Map<String, Object> cluster = (Map<String, Object>) health.getDetails().get("cluster");
        assertThat(cluster).containsEntry("role", c.status().role()).containsEntry("leader", c.status().leader())
                .containsEntry("replicationLag", c.lag());
        assertThat(cluster.containsKey("diverged")).isEqualTo(c.status().diverged() != null);
    }
}
