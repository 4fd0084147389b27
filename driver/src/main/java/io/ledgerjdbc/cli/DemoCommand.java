package io.ledgerjdbc.cli;

import io.ledgerjdbc.driver.FileErrors;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A short story on an embedded SQLite file: an application writes through {@code jdbc:ledger:sqlite:…},
 * the ledger records each change, verification is clean; then a row is changed behind the driver's back
 * with the raw SQLite driver, and verification names the row. It ends with the commands to look for yourself;
 * a temporary directory is deleted unless {@code --keep}, a directory given with {@code --dir} is kept.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a short demonstration on an embedded SQLite database.",
                "Without --dir it works in a temporary directory, deleted at the end unless --keep."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory for the demo database, kept afterwards (default: a new temporary one).")
    Path dir;

    @Option(names = "--keep", description = "Keep the temporary directory, to run verify, history and log on the database yourself.")
    boolean keep;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path home;
        try {
            home = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ledgerjdbc-demo");
        } catch (IOException e) {
            throw new UserError("cannot create the demo directory " + FileErrors.describe(e), e);
        }
        Path file = home.resolve("demo.db");
        if (Files.exists(file)) {
            throw new UserError(file + " exists; the demo starts from an empty database, so give a new --dir or delete it");
        }
        boolean kept = dir != null || keep;
        try {
            return story(out, file, kept);
        } finally {
            if (!kept) {
                deleteTree(home);
            }
        }
    }

    private int story(PrintWriter out, Path file, boolean kept) throws SQLException {
        String url = "jdbc:ledger:sqlite:" + file;
        out.println("== The application uses " + url);
        try (Connection app = DriverManager.getConnection(url); Statement s = app.createStatement()) {
            show(out, s, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance NUMERIC NOT NULL, "
                    + "opened TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            try (PreparedStatement ins = app.prepareStatement("INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?)")) {
                for (Object[] a : new Object[][] {{1, "alice", "100.00"}, {2, "bob", "50.00"}, {3, "carol", "75.00"}}) {
                    ins.setInt(1, (Integer) a[0]);
                    ins.setString(2, (String) a[1]);
                    ins.setBigDecimal(3, new BigDecimal((String) a[2]));
                    ins.executeUpdate();
                }
                out.println("   inserted alice, bob and carol");
            }
            app.setAutoCommit(false);
            s.executeUpdate("UPDATE accounts SET balance = balance - 25 WHERE owner = 'alice'");
            s.executeUpdate("UPDATE accounts SET balance = balance + 25 WHERE owner = 'bob'");
            app.commit();
            app.setAutoCommit(true);
            out.println("   transferred 25 from alice to bob in one transaction");
            show(out, s, "DELETE FROM accounts WHERE owner = 'carol'");
        }

        String raw = "jdbc:sqlite:" + file;
        boolean caught;
        try (Connection c = DriverManager.getConnection(raw)) {
            LedgerStore store = new LedgerStore(SqlDialect.SQLITE);
            out.println("== The ledger (ledger_entry)");
            store.scan(c, 1, e -> {
                LedgerEntry entry = EntryCodec.decode(e.entry());
                out.println("   #" + entry.seq() + " " + entry.commitTime() + " node " + entry.originNode());
                for (Change change : entry.changes()) {
                    out.println("      " + EntryFormat.change(change, Style.PLAIN));
                }
            });
            out.println("   Merkle root: " + HexFormat.of().formatHex(store.root(c, store.size(c))));
            verify(out, c, "== Verify");

            out.println("== Someone with database access gives bob a raise, behind the driver's back:");
            try (Statement s = c.createStatement()) {
                out.println("   " + raw + ": UPDATE accounts SET balance = 1000000 WHERE owner = 'bob'");
                s.executeUpdate("UPDATE accounts SET balance = 1000000 WHERE owner = 'bob'");
            }
            caught = !verify(out, c, "== Verify again");
            out.println(caught ? "   tampering caught" : "   tampering NOT caught");
        }
        String tool = toolCommand();
        if (kept) {
            out.println("== Look for yourself (the database stays in " + file.getParent() + "):");
            String[][] commands = {{"verify " + raw, "the finding again"}, {"history " + raw + " accounts 2", "every change to bob's row"},
                    {"log " + raw, "every entry"}};
            int width = 0;
            for (String[] c : commands) width = Math.max(width, c[0].length());
            for (String[] c : commands) {
                out.println("   " + tool + " " + c[0] + " ".repeat(width - c[0].length()) + "   # " + c[1]);
            }
        } else {
            out.println("== The demo's database is deleted; to keep it and verify it yourself, run:");
            out.println("   " + tool + " demo --keep     (or --dir DIR)");
        }
        return caught ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
    }

    /** How the user started this tool: {@code java -jar <this jar>} when it runs from a jar. */
    static String toolCommand() {
        try {
            Path self = Path.of(LedgerCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
                Path cwd = Path.of("").toAbsolutePath();
                Path shown = self.startsWith(cwd) ? cwd.relativize(self) : self;
                return "java -jar " + shown;
            }
        } catch (Exception unknown) {
            // fall through: a class directory (tests) or an unusual class loader
        }
        return "java -jar ledgerjdbc.jar";
    }

    private static void show(PrintWriter out, Statement s, String sql) throws SQLException {
        s.execute(sql);
        out.println("   " + sql);
    }

    /** The verify command's engine (ledger and tables); true when clean. */
    private static boolean verify(PrintWriter out, Connection c, String title) throws SQLException {
        out.println(title);
        Verification.Result r = Verification.run(c, VerifyOptions.defaults(), true, f -> out.println("   " + f), ProgressBar.none());
        out.println("   " + r.ledger().entries() + " entries: " + (r.clean() ? "clean" : r.findings() + " finding(s)"));
        return r.clean();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
