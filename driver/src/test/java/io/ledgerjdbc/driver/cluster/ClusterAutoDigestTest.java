package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ledger.digest.* on a cluster: every member's applier signs its copy of the ledger when a digest is due. */
class ClusterAutoDigestTest extends InProcessClusterTest {

    @Test
    void everyMemberSignsItsLedgerEveryNAppliedEntriesAndVerifiesClean() throws Exception {
        Path key = dir.resolve("digest.pem");
        KeyFiles.writePrivate(key, KeyFiles.generate());
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        cluster.extra.setProperty("ledger.digest.key", key.toString());
        cluster.extra.setProperty("ledger.digest.everyEntries", "3");
        cluster.startAll();
        try (Connection a = cluster.connect("A"); Statement s = a.createStatement()) {
            s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10))");
        }
        cluster.awaitConverged(20_000);
        for (int i = 1; i <= 6; i++) {
            String writer = cluster.ids.get(i % cluster.ids.size());
            try (Connection c = cluster.connect(writer); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t (id, v) VALUES (" + i + ", 'v')");
            }
        }
        cluster.awaitConverged(30_000);
        for (String id : cluster.ids) {
            assertEquals(7, cluster.ledger(id).size(), "entries on " + id);
            assertEquals(List.of("3", "6"), digestSizes(id), "digests on " + id);
            StringWriter out = new StringWriter();
            int exit = LedgerCli.run(new String[] {"verify", cluster.rawUrl(id)}, new PrintWriter(out), new PrintWriter(out));
            assertEquals(0, exit, out.toString());
        }
    }

    /** The digest is stored right after the apply that made it due: give the last one a moment. */
    private List<String> digestSizes(String id) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        List<String> sizes = cluster.rows(id, "SELECT tree_size FROM ledger_digest ORDER BY tree_size");
        while (sizes.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            sizes = cluster.rows(id, "SELECT tree_size FROM ledger_digest ORDER BY tree_size");
        }
        return sizes;
    }
}
