package io.ledgerjdbc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.DigestSigner;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.TreeHead;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI through its main entry: output, exit codes 0 / 1 / 2, JSON. */
class LedgerCliTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LedgerCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private String ledger(int entries) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection(url)) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerHead head = store.readHead(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
                s.execute("DELETE FROM t");
                for (long seq = 1; seq <= entries; seq++) {
                    s.execute("INSERT INTO t VALUES (" + seq + ", 'x')");
                }
            }
            for (long seq = 1; seq <= entries; seq++) {
                Row key = Row.of("id", Value.of(seq));
                head = store.append(c, head, new LedgerEntry(seq, "A", Instant.now(), "t" + seq,
                        List.of(RowChange.insert("t", key, Row.of("id", Value.of(seq), "v", Value.of("x"))))));
            }
        }
        return url;
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("demo", "verify", "keygen", "Exit codes");
    }

    @Test
    void versionNamesTheProject() {
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("LedgerJDBC ").doesNotContain("unknown");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitCodeTwo() {
        assertThat(run("verify", "--no-such-option", "jdbc:sqlite:x").exit()).isEqualTo(2);
        assertThat(run("no-such-command").exit()).isEqualTo(2);
    }

    @Test
    void verifyOfACleanLedgerExitsZeroThroughTheLedgerUrl() throws Exception {
        String url = ledger(25);
        Run r = run("verify", url.replace("jdbc:", "jdbc:ledger:"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("CLEAN: 25 entries");
    }

    @Test
    void verifyOfATamperedLedgerExitsOneAndNamesTheEntry() throws Exception {
        String url = ledger(25);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM ledger_entry WHERE seq = 7");
        }
        Run r = run("verify", url, "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("clean").asBoolean()).isFalse();
        assertThat(json.get("findings").get(0).get("kind").asText()).isEqualTo("SEQ_GAP");
        assertThat(json.get("findings").get(0).get("seq").asLong()).isEqualTo(7);
    }

    @Test
    void verifyWithAnOutsideDigestCatchesARebuiltLedger() throws Exception {
        String url = ledger(10);
        Path digests = dir.resolve("digests.jsonl");
        try (Connection c = DriverManager.getConnection(url)) {
            LedgerHead head = LedgerStore.of(c).readHead(c);
            DigestSigner signer = new DigestSigner(KeyFiles.generate().privateKey());
            DigestJson.appendJsonLine(digests, signer.sign(new TreeHead(10, head.root(), head.chainHash(), Instant.now())));
        }
        Files.delete(dir.resolve("app.db"));
        ledger(10); // same shape, new timestamps: a rebuilt history with valid hashes
        assertThat(run("verify", url).exit()).isZero();
        Run r = run("verify", url, "--digests", digests.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("DIGEST_MISMATCH seq=10");
    }

    @Test
    void verifyOfAnUnreachableDatabaseExitsTwoWithAOneLineMessage() {
        Run r = run("verify", "jdbc:postgresql://127.0.0.1:1/nothing-listens-here");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: cannot connect").contains("--verbose").doesNotContain("\n");
    }

    @Test
    void keygenWritesAPairAndRefusesToOverwriteIt() throws Exception {
        Path key = dir.resolve("signing.pem");
        Run first = run("keygen", "--out", key.toString());
        assertThat(first.exit()).isZero();
        assertThat(KeyFiles.loadPrivate(key).publicKey().getEncoded())
                .isEqualTo(KeyFiles.loadPublic(dir.resolve("signing.pub.pem")).getEncoded());
        Run second = run("keygen", "--out", key.toString());
        assertThat(second.exit()).isEqualTo(2);
        assertThat(second.err()).contains("exists");
    }

    @Test
    void theDemoShowsTamperingCaught() {
        Run r = run("demo", "--dir", dir.resolve("demo").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("6 entries: clean", "ROW_CHANGED seq=5 table=accounts key={id=2}", "tampering caught");
        assertThat(r.err()).doesNotContain("SLF4J");
    }

    @Test
    void badOptionValuesAreUsageErrorsNamingTheOption() throws Exception {
        String url = ledger(3);
        Run from = run("verify", url, "--from", "0");
        assertThat(from.exit()).isEqualTo(2);
        assertThat(from.err()).contains("--from");
        Run trust = run("verify", url, "--trust", "not-a-key-id");
        assertThat(trust.exit()).isEqualTo(2);
        assertThat(trust.err()).contains("--trust", "not-a-key-id");
    }

    @Test
    void passwordsInUrlsNeverReachMessages() {
        assertThat(ConnectionOptions.redacted("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(ConnectionOptions.redacted("jdbc:h2:./x;PASSWORD=s3cret;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:./x;PASSWORD=***;MODE=PostgreSQL");
    }

    @Test
    void theDemoRefusesToReuseAnOldDatabase() {
        assertThat(run("demo", "--dir", dir.resolve("again").toString()).exit()).isZero();
        Run second = run("demo", "--dir", dir.resolve("again").toString());
        assertThat(second.exit()).isEqualTo(2);
        assertThat(second.err()).contains("exists");
    }
}
