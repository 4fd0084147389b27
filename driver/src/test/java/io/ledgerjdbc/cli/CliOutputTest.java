package io.ledgerjdbc.cli;

import static io.ledgerjdbc.cli.CliCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerjdbc.cli.CliCommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the commands print: hashes in hex, rows as JSON objects, changes as readable lines, the demo's last words. */
class CliOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    @TempDir
    Path dir;

    /** accounts 1..3 inserted, account 2 updated, then changed behind the driver's back: balance 999. */
    private String tampered() throws Exception {
        Path file = dir.resolve("t.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER)");
            for (int i = 1; i <= 3; i++) {
                s.executeUpdate("INSERT INTO accounts VALUES (" + i + ", 'owner" + i + "', 100)");
            }
            s.executeUpdate("UPDATE accounts SET balance = 50 WHERE id = 2");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE accounts SET balance = 999 WHERE id = 2");
            s.executeUpdate("INSERT INTO accounts VALUES (7, 'mallory', 1)");
        }
        return "jdbc:sqlite:" + file;
    }

    @Test
    void verifyJsonGivesRowsAsObjectsAsHistoryDoes() throws Exception {
        String url = tampered();
        Run r = run("verify", url, "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("root").asText()).matches(HASH);
        JsonNode changed = find(doc.get("findings"), "ROW_CHANGED");
        assertThat(changed.get("key").toString()).isEqualTo("{\"id\":2}");
        assertThat(changed.get("expected").get("balance").asLong()).isEqualTo(50);
        assertThat(changed.get("found").get("balance").asLong()).isEqualTo(999);
        assertThat(changed.get("found").get("owner").asText()).isEqualTo("owner2");
        JsonNode added = find(doc.get("findings"), "ROW_ADDED");
        assertThat(added.get("key").get("id").asLong()).isEqualTo(7);
        assertThat(added.has("expected")).isFalse();

        JsonNode history = JSON.readTree(run("history", url, "accounts", "2", "--json").out()).get("changes").get(1);
        assertThat(history.get("key").toString()).as("the same shape in history").isEqualTo(changed.get("key").toString());
        assertThat(history.get("after").get("balance").asLong()).isEqualTo(50);
    }

    private static JsonNode find(JsonNode findings, String kind) {
        for (JsonNode f : findings) {
            if (f.get("kind").asText().equals(kind)) return f;
        }
        throw new AssertionError("no " + kind + " in " + findings);
    }

    @Test
    void hashesAreHexEverywhereAndAVersionOneProofStillVerifies() throws Exception {
        Path file = dir.resolve("p.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 1; i <= 9; i++) s.executeUpdate("INSERT INTO t VALUES (" + i + ", 'v" + i + "')");
        }
        String url = "jdbc:sqlite:" + file;
        assertThat(run("verify", url).out()).containsPattern("root " + HASH.pattern());
        JsonNode status = JSON.readTree(run("status", url, "--json").out());
        assertThat(status.get("nodes").get(0).get("root").asText()).matches(HASH);

        Path proof = dir.resolve("proof.json");
        Run p = run("proof", url, "4", "--out", proof.toString());
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).containsPattern("leaf hash " + HASH.pattern()).containsPattern("root " + HASH.pattern());
        JsonNode doc = JSON.readTree(Files.readString(proof));
        assertThat(doc.get("format").asText()).isEqualTo("ledgerjdbc-inclusion-proof-v2");
        assertThat(doc.get("leafHash").asText()).matches(HASH);
        assertThat(doc.get("rootHash").asText()).matches(HASH);
        doc.get("path").forEach(h -> assertThat(h.asText()).matches(HASH));
        assertThat(doc.get("entry").asText()).matches("[0-9a-f]+");
        assertThat(doc.get("decoded").get("changes").get(0).get("after").get("v").asText()).as("entry 4 inserted row 3").isEqualTo("v3");

        Run ok = run("verify-proof", proof.toString());
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).containsPattern("with root " + HASH.pattern()).contains("INSERT t {id=3} → {id=3, v='v3'}")
                .doesNotContain("RowChange[");

        // the first version of the format, base64, as proofs made before this one are
        ObjectNode v1 = (ObjectNode) doc.deepCopy();
        HexFormat hex = HexFormat.of();
        Base64.Encoder b64 = Base64.getEncoder();
        v1.put("format", "ledgerjdbc-inclusion-proof-v1");
        for (String field : List.of("leafHash", "rootHash", "entry")) {
            v1.put(field, b64.encodeToString(hex.parseHex(doc.get(field).asText())));
        }
        var path = v1.putArray("path");
        doc.get("path").forEach(h -> path.add(b64.encodeToString(hex.parseHex(h.asText()))));
        Path old = Files.writeString(dir.resolve("v1.json"), v1.toString());
        Run v1ok = run("verify-proof", old.toString());
        assertThat(v1ok.exit()).as(v1ok.out() + v1ok.err()).isZero();
        assertThat(v1ok.out()).startsWith("VALID: entry 4 is in the ledger of 10 entries");
    }

    @Test
    void theDemoPrintsReadableChangesCleansUpAndSaysHowToLookYourself() throws Exception {
        Run r = run("demo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("RowChange[").contains("INSERT accounts {id=1} → {")
                .contains("UPDATE accounts {id=1}: balance: ").contains("DELETE accounts {id=3} was {")
                .contains("demo --keep");
        Matcher m = Pattern.compile("The application uses jdbc:ledger:sqlite:(\\S+)").matcher(r.out());
        assertThat(m.find()).isTrue();
        assertThat(Path.of(m.group(1)).getParent()).as("the temporary directory is gone").doesNotExist();

        Run kept = run("demo", "--keep");
        assertThat(kept.exit()).as(kept.err()).isZero();
        Matcher verify = Pattern.compile(" verify (jdbc:sqlite:\\S+)").matcher(kept.out());
        assertThat(verify.find()).as(kept.out()).isTrue();
        Path db = Path.of(verify.group(1).substring("jdbc:sqlite:".length()));
        try {
            assertThat(db).exists();
            Run again = run("verify", verify.group(1));
            assertThat(again.exit()).as("the tampering the demo made is still there").isEqualTo(1);
            assertThat(again.out()).contains("ROW_CHANGED seq=5 table=accounts key={id=2}");
        } finally {
            Files.deleteIfExists(db);
            Files.deleteIfExists(db.getParent());
        }
    }

    @Test
    void statusWatchReportsAgainAndAgain() throws Exception {
        Path file = dir.resolve("s.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
        String url = "jdbc:sqlite:" + file;
        Run text = run("status", url, "--watch", "--interval", "0.2", "--count", "3");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(Pattern.compile("status at ").matcher(text.out()).results().count()).isEqualTo(3);
        assertThat(Pattern.compile("1 sync group").matcher(text.out()).results().count()).isEqualTo(3);

        Run json = run("status", url, "--watch", "--interval", "0.2", "--count", "2", "--json");
        List<JsonNode> docs = new ArrayList<>();
        for (String line : json.out().strip().split("\n")) docs.add(JSON.readTree(line));
        assertThat(docs).hasSize(2).allSatisfy(d -> assertThat(d.get("nodes").get(0).get("entries").asLong()).isEqualTo(1));

        Run alone = run("status", url, "--count", "2");
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err()).contains("--interval and --count go with --watch");
    }
}
