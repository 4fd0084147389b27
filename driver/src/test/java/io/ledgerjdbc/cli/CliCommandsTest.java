package io.ledgerjdbc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerjdbc.ledger.digest.DigestJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** history, proof, verify-proof, digest and diff through the CLI's main entry, on SQLite files. */
class CliCommandsTest {

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

    /** A ledger written through the driver: accounts 1..n inserted, then account 2's balance changed twice. */
    private String app(String name, int n) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve(name);
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve(name)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER)");
            for (int i = 1; i <= n; i++) {
                s.executeUpdate("INSERT INTO accounts VALUES (" + i + ", 'owner" + i + "', 100)");
            }
            s.executeUpdate("UPDATE accounts SET balance = 75 WHERE id = 2");
            s.executeUpdate("UPDATE accounts SET balance = 80, owner = 'bob' WHERE id = 2");
        }
        return url;
    }

    @Test
    void historyListsEveryChangeToOneRowOldestFirstWithTheChangedColumns() throws Exception {
        String url = app("h.db", 3);
        Run r = run("history", url, "accounts", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).contains("seq 3 ", "INSERT", "balance=100");
        assertThat(lines[1]).contains("seq 5 ", "UPDATE", "balance: 100 → 75").doesNotContain("owner");
        assertThat(lines[2]).contains("seq 6 ", "UPDATE", "balance: 75 → 80", "owner: 'owner2' → 'bob'");
        assertThat(lines[3]).isEqualTo("3 changes");

        JsonNode json = new ObjectMapper().readTree(run("history", url, "ACCOUNTS", "id=2", "--json").out());
        assertThat(json.get("changes")).hasSize(3);
        assertThat(json.get("changes").get(2).get("changed").toString()).isEqualTo("[\"balance\",\"owner\"]");
        assertThat(json.get("changes").get(2).get("after").get("balance").asLong()).isEqualTo(80);
    }

    @Test
    void aProofCopiedElsewhereVerifiesWithTheDatabaseGoneAndFailsWhenEdited() throws Exception {
        String url = app("p.db", 20);
        Path key = dir.resolve("k.pem");
        assertThat(run("keygen", "--out", key.toString()).exit()).isZero();
        Path digests = dir.resolve("digests.jsonl");
        Run d = run("digest", url, "--key", key.toString(), "--out", digests.toString());
        assertThat(d.exit()).as(d.err()).isZero();
        assertThat(DigestJson.readJsonLines(digests)).hasSize(1);

        Path proof = dir.resolve("proof.json");
        Run p = run("proof", url, "7", "--out", proof.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).contains("tree size 23", "signed digest: key");

        Path elsewhere = Files.createDirectories(dir.resolve("third-party"));
        Files.copy(proof, elsewhere.resolve("proof.json"));
        Files.copy(digests, elsewhere.resolve("digests.jsonl"));
        Files.delete(dir.resolve("p.db"));

        Run ok = run("verify-proof", elsewhere.resolve("proof.json").toString(), "--digest", elsewhere.resolve("digests.jsonl").toString());
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).startsWith("VALID: entry 7 is in the ledger of 23 entries");

        JsonNode doc = new ObjectMapper().readTree(Files.readString(proof));
        String edited = Files.readString(proof).replace(doc.get("entry").asText(), doc.get("path").get(0).asText());
        Files.writeString(elsewhere.resolve("edited.json"), edited);
        Run bad = run("verify-proof", elsewhere.resolve("edited.json").toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).startsWith("INVALID");
    }

    @Test
    void diffTellsEqualPrefixAndDivergedApartAndGroupsThreeLedgers() throws Exception {
        String a = app("a.db", 30);
        String b = app("b.db", 30);
        // b and a differ in commit times: different from seq 1; make an exact copy instead
        Files.copy(dir.resolve("a.db"), dir.resolve("copy.db"));
        String copy = "jdbc:sqlite:" + dir.resolve("copy.db");
        Run equal = run("diff", a, copy);
        assertThat(equal.exit()).as(equal.err()).isZero();
        assertThat(equal.out()).startsWith("EQUAL: both ledgers have 33 entries");

        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("a.db")); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE accounts SET balance = 1 WHERE id = 3");
        }
        Run prefix = run("diff", a, copy);
        assertThat(prefix.exit()).isEqualTo(1);
        assertThat(prefix.out()).contains("PREFIX: [2]", "is 1 entry behind [1]", "rows read: ");

        Run diverged = run("diff", a, b, "--json");
        JsonNode json = new ObjectMapper().readTree(diverged.out());
        assertThat(json.get("relation").asText()).isEqualTo("DIVERGED");
        assertThat(json.get("firstDivergentSeq").asLong()).isEqualTo(1);
        assertThat(json.get("entries")).hasSize(2);
        assertThat(json.get("rowsRead").asLong()).isLessThan(20);

        Run groups = run("diff", a, copy, b);
        assertThat(groups.exit()).isEqualTo(1);
        assertThat(groups.out()).contains("2 sync groups", "group 1: 34 entries", "(1 behind)", "diverge at seq 1");
    }
}
