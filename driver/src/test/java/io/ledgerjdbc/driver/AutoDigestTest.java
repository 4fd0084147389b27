package io.ledgerjdbc.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ledger.digest.*: digests signed after commits every N entries, stored and kept outside; bad values refused by key. */
class AutoDigestTest {

    @TempDir
    Path dir;

    private Path key() throws Exception {
        Path key = dir.resolve("auto.pem");
        KeyFiles.writePrivate(key, KeyFiles.generate());
        return key;
    }

    @Test
    void aDigestIsSignedEveryNEntriesStoredAndAppendedOutside() throws Exception {
        Path out = dir.resolve("digests.jsonl");
        Properties p = new Properties();
        p.setProperty("ledger.digest.key", key().toString());
        p.setProperty("ledger.digest.everyEntries", "3");
        p.setProperty("ledger.digest.out", out.toString());
        String db = dir.resolve("auto.db").toString();
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + db, p); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 1; i <= 7; i++) {
                s.executeUpdate("INSERT INTO t VALUES (" + i + ", 'v')");
            }
        }
        List<SignedDigest> outside = DigestJson.readJsonLines(out);
        assertThat(outside).extracting(d -> d.head().treeSize()).containsExactly(3L, 6L);
        assertThat(outside).allMatch(SignedDigest::signatureValid);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM ledger_digest")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
        StringWriter w = new StringWriter();
        int exit = LedgerCli.run(new String[] {"verify", "jdbc:sqlite:" + db, "--digests", out.toString()}, new PrintWriter(w), new PrintWriter(w));
        assertThat(exit).as(w.toString()).isZero();
        assertThat(w.toString()).contains("8 entries", "4 digests checked");
    }

    private static void assertRefused(SQLException e, String... words) {
        assertThat((Object) e).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("HY024");
        for (String w : words) {
            assertThat(e.getMessage()).contains(w);
        }
    }

    private static SQLException connectWith(Path dir, String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("bad.db"), p)) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    @Test
    void badDigestOptionsFailTheConnectionNamingTheKey() throws Exception {
        Path key = key();
        assertRefused(connectWith(dir, "ledger.digest.key", key.toString(), "ledger.digest.everyEntries", "ten"),
                "ledger.digest.everyEntries", "ten");
        assertRefused(connectWith(dir, "ledger.digest.key", dir.resolve("missing.pem").toString()), "ledger.digest.key");
        assertRefused(connectWith(dir, "ledger.digest.key", key.toString(), "ledger.digest.everyEntries", "0"),
                "no digest would ever be signed");
        assertRefused(connectWith(dir, "ledger.digest.out", "x.jsonl"), "without ledger.digest.key");
        assertRefused(connectWith(dir, "ledger.digest.everySeconds", "-1"), "ledger.digest.everySeconds");
    }
}
