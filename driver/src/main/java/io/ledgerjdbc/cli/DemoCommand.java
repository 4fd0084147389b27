package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A short story on an embedded SQLite file: an application writes through {@code jdbc:ledger:sqlite:…},
 * the ledger records each change, verification is clean; then a row is changed behind the driver's back
 * with the raw SQLite driver, and verification names the row.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a short demonstration on an embedded SQLite database in a temporary directory.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory for the demo database (default: a new temporary one).")
    Path dir;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path home = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ledgerjdbc-demo");
        Path file = home.resolve("demo.db");
        if (Files.exists(file)) {
            spec.commandLine().getErr().println("error: " + file + " exists; the demo starts from an empty database, "
                    + "so give a new --dir or delete it");
            return LedgerCli.ERROR;
        }
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
        try (Connection c = DriverManager.getConnection(raw)) {
            LedgerStore store = new LedgerStore(SqlDialect.SQLITE);
            out.println("== The ledger (ledger_entry)");
            store.scan(c, 1, e -> {
                LedgerEntry entry = EntryCodec.decode(e.entry());
                out.printf("   #%d %s%n", entry.seq(), entry.changes());
            });
            out.println("   Merkle root: " + HexFormat.of().formatHex(store.root(c, store.size(c))));
            verify(out, c, store, "== Verify");

            out.println("== Someone with database access gives bob a raise, behind the driver's back:");
            try (Statement s = c.createStatement()) {
                out.println("   " + raw + ": UPDATE accounts SET balance = 1000000 WHERE owner = 'bob'");
                s.executeUpdate("UPDATE accounts SET balance = 1000000 WHERE owner = 'bob'");
            }
            boolean caught = !verify(out, c, store, "== Verify again");
            out.println(caught ? "   tampering caught" : "   tampering NOT caught");
            return caught ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
        }
    }

    private static void show(PrintWriter out, Statement s, String sql) throws SQLException {
        s.execute(sql);
        out.println("   " + sql);
    }

    /** The verify command's engine (ledger and tables); true when clean. */
    private static boolean verify(PrintWriter out, Connection c, LedgerStore store, String title) throws SQLException {
        out.println(title);
        Verification.Result r = Verification.run(c, VerifyOptions.defaults(), true, f -> out.println("   " + f), ProgressBar.none());
        out.println("   " + r.ledger().entries() + " entries: " + (r.clean() ? "clean" : r.findings() + " finding(s)"));
        return r.clean();
    }
}
