package io.ledgerjdbc.driver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ledgerjdbc.ledger.digest.Ed25519KeyPair;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.OriginSignature;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.replication.ClusterConfig;
import io.ledgerjdbc.replication.ClusterMember;
import io.ledgerjdbc.replication.Command;
import io.ledgerjdbc.replication.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every transaction carries its origin's Ed25519 signature; a write-set that claims another origin is rejected everywhere. */
class OriginSignatureClusterTest extends InProcessClusterTest {


    @Test
    void signedTransactionsCommitAndAForgedOriginIsRejectedOnEveryNode() throws Exception {
        cluster = new TestCluster(dir, TestCluster.Db.H2, 3);
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Map<String, Ed25519KeyPair> pairs = new java.util.HashMap<>();
        for (String id : cluster.ids) {
            Ed25519KeyPair pair = KeyFiles.generate();
            pairs.put(id, pair);
            KeyFiles.writePrivate(dir.resolve(id + ".pem"), pair);
            KeyFiles.writePublic(keys.resolve(id + ".pub.pem"), pair.publicKey());
        }
        cluster.extra.setProperty("ledger.memberKeys", keys.toString());
        for (String id : cluster.ids) { // each node joins with its own signing key
            cluster.extra.setProperty("ledger.nodeKey", dir.resolve(id + ".pem").toString());
            cluster.connect(id).close();
        }
        try (Connection b = cluster.connect("B"); Statement s = b.createStatement()) {
            s.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10))");
            s.executeUpdate("INSERT INTO t (id, v) VALUES (1, 'b')");
        }
        cluster.awaitConverged(20_000);
        assertEquals(List.of("2"), cluster.rows("A", "SELECT COUNT(*) FROM ledger_signature"), "every entry signed");

        // Node C proposes a write-set that claims to come from B: signed by C's key, then not signed at all.
        ClusterMember c = ClusterMember.start(new ClusterConfig("C", ClusterConfig.members(cluster.members()), cluster.clusterName,
                dir.resolve("raft-C"), Duration.ofSeconds(10), Duration.ofSeconds(1), null, false), () -> {
                    throw new AssertionError("C is already a member");
                });
        LedgerEntry forged = new LedgerEntry(1, "B", Instant.now(), "forged-1",
                List.of(RowChange.insert("T", Row.of("ID", Value.of(2)), Row.builder().put("ID", Value.of(2)).put("V", Value.of("x")).build())));
        for (byte[] signature : List.of(OriginSignature.sign(pairs.get("C").privateKey(), forged), new byte[0])) {
            Outcome o = c.submit(new Command.WriteSet(forged, signature));
            Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, o);
            assertEquals("28000", r.sqlState());
            assertTrue(r.message().contains("not signed by its claimed origin B"), r.message());
        }
        // The genuine signature of B would have been accepted: the check is about the key, not the content.
        assertTrue(OriginSignature.verify(pairs.get("B").publicKey(), forged, OriginSignature.sign(pairs.get("B").privateKey(), forged)));
        cluster.awaitConverged(20_000);
        for (String id : cluster.ids) {
            assertEquals(List.of("1|b"), cluster.rows(id, "SELECT id, v FROM t"), "nothing forged applied on " + id);
            assertEquals(cluster.ledger("A"), cluster.ledger(id));
        }
    }
}
