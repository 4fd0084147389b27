package io.ledgerjdbc.cli;

import static io.ledgerjdbc.cli.CliCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.cli.CliCommandsTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The errors a new user meets first: each one line on stderr that says what is wrong, exit code 2, nothing created. */
class CliErrorsTest {

    @TempDir
    Path dir;

    private String ledger() throws Exception {
        Path file = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)");
            s.executeUpdate("INSERT INTO accounts VALUES (1, 'ada')");
            s.executeUpdate("INSERT INTO accounts VALUES (2, 'bob')");
        }
        return "jdbc:sqlite:" + file;
    }

    private static void oneLineError(Run r, String... expected) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: ").contains(expected).doesNotContain("\n").doesNotContain("--verbose");
    }

    @Test
    void aMissingSqliteFileIsNoSuchDatabaseForEveryCommandAndNoFileIsCreated() {
        Path missing = dir.resolve("missing.db");
        String url = "jdbc:sqlite:" + missing;
        for (List<String> args : List.of(List.of("verify", url), List.of("verify", "jdbc:ledger:sqlite:" + missing),
                List.of("history", url, "accounts", "1"), List.of("log", url), List.of("proof", url, "1"),
                List.of("status", url), List.of("diff", url, url))) {
            Run r = run(args.toArray(String[]::new));
            oneLineError(r, "no such SQLite database: " + missing + " does not exist (the CLI creates none)");
            assertThat(missing).as(args.get(0) + " created nothing").doesNotExist();
        }
    }

    @Test
    void aMissingH2DatabaseIsNoSuchDatabaseAndNoFileIsCreated() throws Exception {
        Path missing = dir.resolve("nope");
        oneLineError(run("verify", "jdbc:h2:" + missing), "no such H2 database: jdbc:h2:" + missing);
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("no H2 file appears").isEmpty();
        }
    }

    @Test
    void aDatabaseWithoutALedgerSaysSo() throws Exception {
        Path file = dir.resolve("plain.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
        oneLineError(run("verify", "jdbc:sqlite:" + file), "no ledger in jdbc:sqlite:" + file, "ledger_meta");
        oneLineError(run("log", "jdbc:sqlite:" + file), "no ledger in");
    }

    @Test
    void missingFilesAreNamedWithWhatIsWrong() throws Exception {
        String url = ledger();
        oneLineError(run("verify", url, "--digests", dir.resolve("nofile.jsonl").toString()),
                "--digests", "nofile.jsonl: no such file or directory");
        oneLineError(run("verify-proof", dir.resolve("missing.json").toString()), "cannot read the proof", "missing.json: no such file");
        oneLineError(run("digest", url, "--key", dir.resolve("nokey.pem").toString()), "--key", "nokey.pem: no such file");
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        oneLineError(run("demo", "--dir", aFile.resolve("sub").toString()), "cannot create the demo directory", "a-file");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            oneLineError(run("demo", "--dir", "/proc/nope"), "cannot create the demo directory /proc/nope: no such file or directory");
        }
        Files.writeString(dir.resolve("broken.json"), "{\"format\": ");
        oneLineError(run("verify-proof", dir.resolve("broken.json").toString()), "broken.json is not a JSON proof");
    }

    @Test
    void urlMistakesGetAHintSayingWhatToWrite() {
        oneLineError(run("verify", "a.db"), "'a.db' is not a JDBC URL", "jdbc:sqlite:a.db");
        oneLineError(run("verify", "bank.mv.db"), "jdbc:h2:./bank");
        oneLineError(run("verify", "jdbc:ledger:jdbc:sqlite:x.db"), "write jdbc:ledger:sqlite:x.db");
        oneLineError(run("verify", "jdbc:ledger:"), "jdbc:ledger: names no database", "jdbc:ledger:sqlite:app.db");
        oneLineError(run("verify", "jdbc:sqllite:x.db"), "no JDBC driver for jdbc:sqllite:x.db", "jdbc:sqlite:");
    }

    @Test
    void verifyFromPastTheEndIsAUsageErrorNotDamage() throws Exception {
        String url = ledger(); // 3 entries
        oneLineError(run("verify", url, "--from", "4"), "--from 4 is past the ledger's end: it has 3 entries (seq 1..3)");
        Run last = run("verify", url, "--from", "3");
        assertThat(last.exit()).as(last.out() + last.err()).isZero();
        assertThat(last.out()).startsWith("CLEAN: 3 entries");
    }

    @Test
    void historyOfATableTheLedgerNeverRecordedIsAnErrorNamingIt() throws Exception {
        String url = ledger();
        oneLineError(run("history", url, "nosuchtable", "1"), "the ledger records no table nosuchtable", "it records accounts");
        oneLineError(run("history", url, "accounts", "owner=ada"), "owner is not a key column of accounts", "its key is (id)");
        oneLineError(run("history", url, "accounts", "id=1", "owner=ada"), "accounts's key is (id)");
        Run none = run("history", url, "accounts", "99");
        assertThat(none.exit()).as("a known table, a row without changes: an answer, not an error").isZero();
        assertThat(none.out()).contains("no entry records a change to accounts 99");
    }
}
