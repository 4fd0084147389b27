package io.ledgerjdbc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable all-in-one jar, {@code driver/target/ledgerjdbc.jar}, as built by {@code package} (failsafe runs this
 * after it): its contents, and the CLI and the driver running from it alone in JVMs of their own.
 */
class ShadedJarIT {

    /** Top-level packages a class in the jar may have: ours (relocated libraries included), the backends, and the two kept. */
    private static final List<String> ALLOWED = List.of("io/ledgerjdbc/", "org/sqlite/", "org/h2/", "org/postgresql/",
            "org/mariadb/jdbc/", "org/jgroups/", "org/slf4j/");

    static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void built() {
        jar = Path.of(System.getProperty("ledgerjdbc.shadedJar", "target/ledgerjdbc.jar"));
        assertThat(jar).as("run after package: mvn verify").exists();
    }

    @Test
    void registersOnlyTheLedgerDriverAndTheFourBackends() throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String services = new String(j.getInputStream(j.getEntry("META-INF/services/java.sql.Driver")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(services.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")))
                    .containsExactlyInAnyOrder("io.ledgerjdbc.driver.LedgerDriver", "org.sqlite.JDBC", "org.h2.Driver",
                            "org.postgresql.Driver", "org.mariadb.jdbc.Driver");
        }
    }

    @Test
    void everyThirdPartyLibraryIsRelocatedExceptTheBackendsJGroupsAndSlf4j() throws IOException {
        List<String> stray = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(j.entries())) {
                String name = e.getName().replaceFirst("^META-INF/versions/\\d+/", "");
                if (name.endsWith(".class") && !name.endsWith("module-info.class")
                        && ALLOWED.stream().noneMatch(name::startsWith)) {
                    stray.add(e.getName());
                }
            }
            assertThat(j.getEntry("log4j2.xml")).as("jgroups-raft's log4j2.xml would configure the application's Log4j").isNull();
            assertThat(j.getEntry("META-INF/services/java.security.Provider")).isNull();
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.ledgerjdbc.cli.LedgerCli");
        }
        assertThat(stray).as("unrelocated third-party classes").isEmpty();
    }

    @Test
    void anApplicationWithOnlyTheJarWritesThroughTheDriverAndSeesNoneOfItsLibraries() throws Exception {
        String classes = Path.of(PlainJdbcApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Result r = run(List.of("java", "-cp", jar + java.io.File.pathSeparator + classes, PlainJdbcApp.class.getName(),
                "jdbc:ledger:sqlite:" + dir.resolve("app.db"), "jdbc:ledger:h2:" + dir.resolve("app-h2")));
        assertThat(r.exit).as(r.output).isZero();
        String drivers = r.output.lines().filter(l -> l.startsWith("drivers ")).findFirst().orElseThrow().substring(8);
        assertThat(drivers.split(",")).as("DriverManager's drivers: no Calcite, no Avatica").containsExactlyInAnyOrder(
                "io.ledgerjdbc.driver.LedgerDriver", "org.sqlite.JDBC", "org.h2.Driver", "org.postgresql.Driver", "org.mariadb.jdbc.Driver");
        assertThat(r.output).contains("entries jdbc:ledger:sqlite:" + dir.resolve("app.db") + " 3")
                .contains("entries jdbc:ledger:h2:" + dir.resolve("app-h2") + " 3")
                .contains("hidden com.fasterxml.jackson.databind.ObjectMapper", "hidden com.google.common.collect.ImmutableList",
                        "hidden org.apache.calcite.sql.parser.SqlParser", "hidden org.bouncycastle.crypto.signers.Ed25519Signer",
                        "hidden picocli.CommandLine");
    }

    @Test
    void theCliSignsProvesAndVerifiesFromTheJarAlone() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("cli.db");
        try (Connection c = DriverManager.getConnection("jdbc:ledger:sqlite:" + dir.resolve("cli.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
            s.executeUpdate("INSERT INTO notes (body) VALUES ('one'), ('two')");
        }
        Path key = dir.resolve("signing.pem");
        Path digests = dir.resolve("digests.jsonl");
        Path proof = dir.resolve("proof.json");
        assertThat(cli("keygen", "--out", key.toString()).exit).isZero();
        assertThat(cli("digest", db, "--key", key.toString(), "--out", digests.toString()).exit).isZero();
        Result verify = cli("verify", db, "--digests", digests.toString(), "--json");
        assertThat(verify.exit).as(verify.output).isZero();
        assertThat(verify.output).contains("\"entries\"");
        assertThat(cli("proof", db, "2", "--out", proof.toString()).exit).isZero();
        Result checked = cli("verify-proof", proof.toString(), "--digest", digests.toString());
        assertThat(checked.exit).as(checked.output).isZero();

        try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE notes SET body = 'forged' WHERE id = 1");
        }
        Result tampered = cli("verify", db);
        assertThat(tampered.exit).as(tampered.output).isEqualTo(1);
        assertThat(tampered.output).contains("ROW_CHANGED");
    }

    private Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    record Result(int exit, String output) {}

    private Result run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out));
    }
}
