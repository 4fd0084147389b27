package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Bad cluster configuration fails the first getConnection with an SQLException naming the problem. */
class ClusterConfigurationTest extends InProcessClusterTest {


    private SQLException connectWith(String key, String value) throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        cluster.extra.setProperty(key, value);
        return assertThrows(SQLException.class, () -> cluster.connect("A").close());
    }

    @Test
    void ownIdMissingFromTheMemberListIsNamed() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        Properties p = cluster.props("A");
        p.setProperty("ledger.node", "Z");
        SQLException e = assertThrows(SQLException.class,
                () -> java.sql.DriverManager.getConnection("jdbc:ledger:" + cluster.rawUrl("A").substring(5), p).close());
        assertEquals("HY024", e.getSQLState());
        assertTrue(e.getMessage().contains("'Z' is not in the member list"), e.getMessage());
    }

    @Test
    void duplicateMemberIdsAreNamed() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        Properties p = cluster.props("A");
        p.setProperty("ledger.members", "A=127.0.0.1:7801,A=127.0.0.1:7802");
        SQLException e = assertThrows(SQLException.class,
                () -> java.sql.DriverManager.getConnection("jdbc:ledger:" + cluster.rawUrl("A").substring(5), p).close());
        assertEquals("HY024", e.getSQLState());
        assertTrue(e.getMessage().contains("ledger.members") && e.getMessage().contains("'A' appears twice"), e.getMessage());
    }

    @Test
    void unparsableAddressesAreNamed() throws Exception {
        for (String members : new String[] {"A=127.0.0.1", "A=127.0.0.1:http", "A=127.0.0.1:70000", "A127.0.0.1:7801"}) {
            cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
            Properties p = cluster.props("A");
            p.setProperty("ledger.members", members);
            SQLException e = assertThrows(SQLException.class,
                    () -> java.sql.DriverManager.getConnection("jdbc:ledger:" + cluster.rawUrl("A").substring(5), p).close());
            assertEquals("HY024", e.getSQLState(), members);
            assertTrue(e.getMessage().contains("ledger.members"), e.getMessage());
        }
    }

    @Test
    void badTimeoutsAndSecretsAreNamed() throws Exception {
        SQLException timeout = connectWith("ledger.commitTimeout", "soon");
        assertEquals("HY024", timeout.getSQLState());
        assertTrue(timeout.getMessage().contains("ledger.commitTimeout"), timeout.getMessage());
        SQLException secret = connectWith("ledger.secret", "short");
        assertTrue(secret.getMessage().contains("ledger.secret") && secret.getMessage().contains("16"), secret.getMessage());
    }

    @Test
    void aPortInUseFailsTheFirstConnectionNamingTheAddress() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        try (ServerSocket taken = new ServerSocket(cluster.ports.get("A"), 50, InetAddress.getByName("127.0.0.1"))) {
            SQLException e = assertThrows(SQLException.class, () -> cluster.connect("A").close());
            assertEquals("08001", e.getSQLState());
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(String.valueOf(cluster.ports.get("A"))),
                    e.getMessage());
        }
    }

    @Test
    void aMemberWithoutTheSecretCannotJoinOrWrite() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        cluster.extra.setProperty("ledger.secret", "correct horse battery staple");
        cluster.extra.setProperty("ledger.commitTimeout", "3s");
        try (Connection a = cluster.connect("A"); Connection b = cluster.connect("B")) {
            try (Statement s = a.createStatement()) {
                s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY)");
                s.executeUpdate("INSERT INTO t (id) VALUES (1)");
            }
            cluster.extra.setProperty("ledger.secret", "a guess that is long enough");
            try (Connection outsider = cluster.connect("C"); Statement s = outsider.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("CREATE TABLE u (id INTEGER PRIMARY KEY)"));
                assertTrue(e.getSQLState().startsWith("08"), e.getSQLState() + " " + e.getMessage());
            }
            try (Statement s = b.createStatement()) {
                s.executeUpdate("INSERT INTO t (id) VALUES (2)");
            }
            assertEquals(3, cluster.ledger("A").size());
            assertEquals(cluster.ledger("A"), cluster.ledger("B"));
            assertEquals(0, cluster.ledger("C").size(), "the outsider received nothing");
        }
    }
}
