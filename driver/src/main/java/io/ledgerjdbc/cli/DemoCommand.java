package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.digest.DigestSigner;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.digest.TreeHead;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.StoredEntry;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A short story on an embedded SQLite file: record three transactions in the ledger, sign a digest, verify,
 * then tamper with one entry behind the ledger's back and watch verification name it. Until the driver
 * captures changes itself, the demo writes the entries through the ledger core directly.
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
        String url = "jdbc:sqlite:" + file;
        out.println("== LedgerJDBC demo on " + url);
        try (Connection c = DriverManager.getConnection(url)) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            c.setAutoCommit(false);
            LedgerHead head = store.readHead(c);
            Row alice = Row.of("id", Value.of(1L), "owner", Value.of("alice"), "balance", Value.of(new BigDecimal("100.00")));
            Row bob = Row.of("id", Value.of(2L), "owner", Value.of("bob"), "balance", Value.of(new BigDecimal("50.00")));
            Row alice2 = Row.of("id", Value.of(1L), "owner", Value.of("alice"), "balance", Value.of(new BigDecimal("75.00")));
            List<List<RowChange>> transactions = List.of(
                    List.of(RowChange.insert("accounts", Row.of("id", Value.of(1L)), alice)),
                    List.of(RowChange.insert("accounts", Row.of("id", Value.of(2L)), bob)),
                    List.of(RowChange.update("accounts", Row.of("id", Value.of(1L)), alice, alice2)));
            for (List<RowChange> tx : transactions) {
                LedgerEntry e = new LedgerEntry(head.size() + 1, "demo", Instant.now(), UUID.randomUUID().toString(),
                        List.copyOf(tx));
                head = store.append(c, head, e);
                c.commit();
                out.printf("entry %d: %s%n", e.seq(), e.changes());
            }
            out.println("Merkle root: " + HexFormat.of().formatHex(head.root()));

            DigestSigner signer = new DigestSigner(KeyFiles.generate().privateKey());
            SignedDigest digest = signer.sign(new TreeHead(head.size(), head.root(), head.chainHash(), Instant.now()));
            store.storeDigest(c, head.size(), digest.keyId(), DigestJson.toJsonLine(digest));
            c.commit();
            out.println("signed digest (key " + digest.keyId() + "): " + DigestJson.toJsonLine(digest));

            LedgerVerifier verifier = new LedgerVerifier(store);
            VerifyReport clean = verifier.verify(c, VerifyOptions.defaults(), f -> out.println("  " + f));
            out.println("verify: " + (clean.clean() ? "clean" : clean.findings() + " findings"));

            out.println("-- tampering: rewriting entry 2 (bob's balance) with the raw SQLite driver");
            StoredEntry two = store.readEntry(c, 2);
            LedgerEntry forged = EntryCodec.decode(two.entry());
            Row richBob = Row.of("id", Value.of(2L), "owner", Value.of("bob"), "balance", Value.of(new BigDecimal("5000.00")));
            forged = new LedgerEntry(2, forged.originNode(), forged.commitTime(), forged.txId(),
                    List.of(RowChange.insert("accounts", Row.of("id", Value.of(2L)), richBob)));
            try (PreparedStatement ps = c.prepareStatement("UPDATE ledger_entry SET entry = ? WHERE seq = 2")) {
                ps.setBytes(1, EntryCodec.encode(forged));
                ps.executeUpdate();
            }
            c.commit();
            VerifyReport tampered = verifier.verify(c, VerifyOptions.defaults(), f -> out.println("  " + f));
            out.println("verify: " + (tampered.clean() ? "clean (tampering NOT caught)" : tampered.findings() + " findings: tampering caught"));
            return tampered.clean() || !clean.clean() ? LedgerCli.FINDINGS : LedgerCli.CLEAN;
        }
    }
}
