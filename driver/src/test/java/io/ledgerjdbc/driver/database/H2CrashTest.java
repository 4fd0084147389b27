package io.ledgerjdbc.driver.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.cli.LedgerCli;
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
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone H2 ledger in a file, its writer killed with SIGKILL at random moments and the file reopened each time:
 * no acknowledged commit is lost, no transaction is there in part, and verify (which replays the ledger against the
 * tables) is clean. With H2's default write delay, or the driver's setting applied once per process (H2 forgets it
 * when it reopens the file), this failed within a few kills.
 */
class H2CrashTest {

    private static final int KILLS = 8;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void killedWritersLeaveNeitherAChangeWithoutItsEntryNorALostCommit() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path db = dir.resolve("db");
        for (int kill = 1; kill <= KILLS; kill++) {
            AtomicLong acked = new AtomicLong();
            CountDownLatch ready = new CountDownLatch(1);
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), H2CrashProcess.class.getName(),
                    db.toString())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("ACK ")) {
                            acked.set(Long.parseLong(line.substring(4)));
                        } else if (line.equals("READY")) {
                            ready.countDown();
                        }
                    }
                } catch (Exception killedMidLine) {
                    // a half-printed ACK is not an acknowledgement
                }
            });
            reader.setDaemon(true);
            reader.start();
            String context = "seed " + seed + ", kill " + kill + ", files kept in " + dir;
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("writer started; " + context).isTrue();
            Thread.sleep(300 + random.nextInt(1200));
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
            try (Connection c = DriverManager.getConnection("jdbc:h2:" + db, "sa", ""); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT n FROM counter), (SELECT COUNT(*) FROM kv WHERE id > 0)")) {
                rs.next();
                assertThat(rs.getLong(2)).as("rows and their counter, committed together; " + context).isEqualTo(rs.getLong(1));
                assertThat(rs.getLong(1)).as("no acknowledged commit lost; " + context).isGreaterThanOrEqualTo(acked.get());
            }
            StringWriter out = new StringWriter();
            int exit = LedgerCli.run(new String[] {"verify", "jdbc:h2:" + db, "--user", "sa"}, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
            assertThat(exit).as(out + context).isEqualTo(LedgerCli.CLEAN);
        }
    }
}
