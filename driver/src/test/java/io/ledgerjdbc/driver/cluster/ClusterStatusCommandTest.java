package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ledgerjdbc.cli.LedgerCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class ClusterStatusCommandTest extends InProcessClusterTest {


    @Test
    void statusAndJmxShowEveryMembersRoleAppliedPositionAndOneSyncGroup() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.SQLITE, 3);
        cluster.startAll();
        try (Connection b = cluster.connect("B"); Statement s = b.createStatement()) {
            s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY)");
            s.executeUpdate("INSERT INTO t (id) VALUES (1)");
        }
        cluster.awaitConverged(20_000);
        // members publish their status about once a second: ask until all three have published the last entry
        long deadline = System.currentTimeMillis() + 20_000;
        int code;
        String text;
        do {
            Thread.sleep(500);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            code = LedgerCli.run(new String[] {"status", "--verbose", cluster.rawUrl("A"), cluster.rawUrl("B"), cluster.rawUrl("C")},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            text = out + "" + err;
        } while (!(code == LedgerCli.CLEAN && text.contains("Leader") && text.split("Follower", -1).length == 3
                && text.contains("1 sync group")) && System.currentTimeMillis() < deadline);
        assertEquals(LedgerCli.CLEAN, code, text);
        assertTrue(text.contains("Leader"), text);
        assertEquals(2, text.split("Follower", -1).length - 1, text);
        assertTrue(text.contains("1 sync group"), text);

        StringWriter json = new StringWriter();
        StringWriter jsonErr = new StringWriter();
        assertEquals(LedgerCli.CLEAN, LedgerCli.run(new String[] {"status", "--json", "--verbose", cluster.rawUrl("A"), cluster.rawUrl("C")},
                new PrintWriter(json, true), new PrintWriter(jsonErr, true)), () -> json + "" + jsonErr);
        assertTrue(json.toString().contains("\"entries\":2") && json.toString().contains("\"syncGroups\""), json.toString());

        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        for (String id : cluster.ids) {
            javax.management.ObjectName name = new javax.management.ObjectName("io.ledgerjdbc:type=ClusterMember,cluster=\""
                    + cluster.clusterName + "\",node=\"" + id + "\"");
            assertEquals(2L, jmx.getAttribute(name, "Commits"), "commits applied on " + id);
            assertEquals(0L, jmx.getAttribute(name, "Rejections"));
            assertTrue(((Long) jmx.getAttribute(name, "Applied")) >= 2);
            assertTrue(java.util.Set.of("Leader", "Follower").contains(jmx.getAttribute(name, "Role")));
            assertEquals("", jmx.getAttribute(name, "Diverged"));
        }
    }
}
