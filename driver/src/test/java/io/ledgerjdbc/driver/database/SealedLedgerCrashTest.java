package io.ledgerjdbc.driver.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.cli.LedgerCli;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.PendingEntries;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writers and a sealer in separate JVMs, killed with SIGKILL at random moments and restarted. Each writer thread
 * commits transactions of an INSERT and a counter bump, and every third row an autocommit INSERT of its own (on
 * PostgreSQL sent with its entry and COMMIT in one round trip). Afterwards (once the
 * next sealer ran) every acknowledged commit has exactly one sealed entry, nothing stays pending, and verify (which
 * replays the ledger against the tables) is clean.
 */
class SealedLedgerCrashTest {

    private static final int WRITERS = 4;
    private static final int THREADS = 2; // 8 committing threads in all

    private final Set<Long> acked = ConcurrentHashMap.newKeySet();

    private final class Proc {
        final Process process;
        final CountDownLatch ready = new CountDownLatch(1);

        Proc(List<String> args) throws Exception {
            this(args, true);
        }

        /** {@code awaitReady} false: a restart, which may be killed again before it has even connected. */
        Proc(List<String> args, boolean awaitReady) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    SealCrashProcess.class.getName()));
            cmd.addAll(args);
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("ACK ")) {
                            acked.add(Long.parseLong(line.substring(4)));
                        } else if (line.equals("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (Exception e) {
                    // the process was killed mid-line: a half-printed ACK is not an acknowledgement
                }
            });
            reader.setDaemon(true);
            reader.start();
            if (awaitReady) {
                assertThat(ready.await(60, TimeUnit.SECONDS)).as("process started").isTrue();
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"POSTGRESQL", "MARIADB"})
    void killedWritersAndSealersLoseNoAcknowledgedCommitAndSealNothingTwice(Backend backend) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String user = backend == Backend.POSTGRESQL ? Backend.PG_USER : Backend.MARIADB_USER;
        try (Backend.Db db = backend.open()) {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", "");
            try (Connection c = DriverManager.getConnection(db.url.replace("jdbc:", "jdbc:ledger:"), p); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
                s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)");
                s.execute("CREATE TABLE solo (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
                s.executeUpdate("INSERT INTO counter VALUES (0, 0)");
                s.executeUpdate("INSERT INTO counter VALUES (1, 0)");
            }
            Proc[] writers = new Proc[WRITERS];
            long nextFirst = 1_000_000;
            for (int w = 0; w < WRITERS; w++) {
                writers[w] = new Proc(List.of("writer", db.url, user, Long.toString(nextFirst), Integer.toString(THREADS), w % 2 == 0 ? "wait" : "async"));
                nextFirst += 1_000_000;
            }
            Proc sealer = new Proc(List.of("sealer", db.url, user));
            int kills = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end) {
                Thread.sleep(700 + random.nextInt(1300)); // a JVM start costs seconds of CPU on a loaded machine
                if (random.nextBoolean()) {
                    sealer.kill();
                    sealer = new Proc(List.of("sealer", db.url, user), false);
                } else {
                    int w = random.nextInt(WRITERS);
                    writers[w].kill();
                    writers[w] = new Proc(List.of("writer", db.url, user, Long.toString(nextFirst), Integer.toString(THREADS),
                            random.nextBoolean() ? "wait" : "async"), false);
                    nextFirst += 1_000_000;
                }
                kills++;
            }
            sealer.kill();
            for (Proc w : writers) {
                w.kill();
            }
            String context = "seed " + seed + ", " + kills + " kills, " + acked.size() + " acknowledged";
            System.out.println(backend + ": " + context);
            assertThat(acked).as(context).hasSizeGreaterThan(20);
            try (Connection raw = db.connect()) {
                Sealer.sealAll(raw); // the next sealer, after every process died
                assertThat(PendingEntries.count(raw)).as(context).isZero();
                Map<Long, Integer> sealedInserts = new HashMap<>();
                LedgerStore.of(raw).scan(raw, 1, e -> {
                    LedgerEntry entry = EntryCodec.decode(e.entry());
                    for (var change : entry.changes()) {
                        if (change instanceof RowChange rc && (rc.table().equalsIgnoreCase("item") || rc.table().equalsIgnoreCase("solo"))
                                && rc.after() != null) {
                            long id = Long.parseLong(rc.key().toString().replaceAll("\\D", ""));
                            sealedInserts.merge(id, 1, Integer::sum);
                        }
                    }
                });
                for (long id : acked) {
                    assertThat(sealedInserts.get(id)).as("sealed entries inserting acknowledged item " + id + " (" + context + ")").isEqualTo(1);
                }
                assertThat(sealedInserts.values()).as("no entry sealed twice (" + context + ")").allMatch(n -> n == 1);
                try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*), (SELECT SUM(n) FROM counter), (SELECT COUNT(*) FROM solo) FROM item")) {
                    rs.next();
                    assertThat(rs.getLong(1) + rs.getLong(3)).as("rows in the tables = inserts in the ledger (" + context + ")")
                            .isEqualTo(sealedInserts.size());
                    assertThat(rs.getLong(2)).as("one counter bump per item").isEqualTo(rs.getLong(1));
                }
            }
            StringWriter out = new StringWriter();
            int exit = LedgerCli.run(new String[] {"verify", db.url, "--user", user}, new PrintWriter(out, true), new PrintWriter(out, true));
            assertThat(exit).as(context + "\n" + out).isEqualTo(LedgerCli.CLEAN);
        }
    }
}
