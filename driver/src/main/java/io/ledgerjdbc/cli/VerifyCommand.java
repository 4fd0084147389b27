package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.driver.FileErrors;
import io.ledgerjdbc.ledger.digest.DigestFormatException;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a ledger and the tables it records, in one streaming pass:",
                "1. every entry decodes, its leaf, chain and Merkle hashes match, seqs are dense;",
                "2. the Merkle root and every stored digest (signature, size, root) match;",
                "3. with --digests, every digest kept outside the database matches the ledger at its size;",
                "4. every ledgered table holds exactly the rows the ledger says (table, key, expected vs found).",
                "One line per finding (one object with --json); exit code 1 when there is any."})
final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    LedgerCli cli;

    @Parameters(index = "0", paramLabel = "URL", description = "jdbc:ledger:... or the raw jdbc:... URL of the database.")
    String url;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--digests", paramLabel = "FILE", description = "JSON Lines of signed digests kept outside the database.")
    Path digests;

    @Option(names = "--trust", paramLabel = "KEYID", split = ",", description = "Key ids whose digests are trusted (default: any valid signature).")
    List<String> trusted = new ArrayList<>();

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1",
            description = "First entry to check (the stored state before it is trusted; the tables are then not checked).")
    long from;

    @Option(names = "--no-state", description = "Check the ledger only, not the tables' contents.")
    boolean noState;

    @Option(names = "--json", description = "Print one JSON document (findings as they are found, then a summary).")
    boolean json;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        if (from < 1) {
            throw new ParameterException(spec.commandLine(), "--from must be 1 or more, was " + from);
        }
        for (String id : trusted) {
            if (!id.matches("[0-9a-f]{16}")) {
                throw new ParameterException(spec.commandLine(), "--trust takes key ids of 16 lowercase hex digits "
                        + "(as keygen prints them), not '" + id + "'");
            }
        }
        List<SignedDigest> external = digests == null ? List.of() : readDigests(digests, "--digests");
        VerifyOptions options = VerifyOptions.defaults().from(from).trusting(Set.copyOf(trusted)).withExternalDigests(external);
        PrintWriter out = spec.commandLine().getOut();
        ProgressBar progress = new ProgressBar(spec.commandLine().getErr(), cli != null && cli.terminal);
        try (Connection c = connection.openLedgerAsStored(url)) { // verify writes nothing: pending entries are the tail
            UserError.checkFrom(from, LedgerStore.of(c).size(c));
            Verification.Result r = json ? asJson(c, options, out, progress) : asText(c, options, out, progress);
            return r.clean() ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
        }
    }

    /** One line per finding as it is found (nothing is held in memory), then a summary line. */
    private Verification.Result asText(Connection c, VerifyOptions options, PrintWriter out, ProgressBar progress) throws Exception {
        Style style = cli != null ? cli.style() : Style.PLAIN;
        Verification.Result r = Verification.run(c, options, !noState, f -> {
            progress.done();
            out.println(line(f, style));
        }, progress);
        String verdict = r.clean() ? style.good("CLEAN") : style.bad("FINDINGS");
        out.printf("%s: %d entries%s, root %s, %d digest%s checked, %s: %s%n", verdict, r.ledger().entries(),
                r.pendingEntries() == 0 ? "" : " + " + r.pendingEntries() + " pending (committed, not yet sealed)",
                HexFormat.of().formatHex(r.ledger().root()), r.ledger().digestsChecked(),
                r.ledger().digestsChecked() == 1 ? "" : "s",
                r.tablesChecked() ? r.rowsRead() + " table row" + (r.rowsRead() == 1 ? "" : "s") + " checked" : "tables not checked",
                r.clean() ? "no findings" : r.findings() + " finding" + (r.findings() == 1 ? "" : "s"));
        return r;
    }

    /** Signed digests from a JSON Lines file the user named with {@code option}; a missing or unreadable file is a UserError. */
    static List<SignedDigest> readDigests(Path file, String option) throws UserError {
        try {
            return DigestJson.readJsonLines(file);
        } catch (DigestFormatException e) {
            throw new UserError(option + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserError(option + ": " + FileErrors.describe(e), e);
        }
    }

    /** The finding's line, its kind coloured on a terminal. */
    static String line(Finding f, Style style) {
        String s = f.toString();
        return style.bad(f.kind().name()) + s.substring(f.kind().name().length());
    }

    /** One JSON document, streamed: the findings array is written as findings arrive, the summary after it. */
    private Verification.Result asJson(Connection c, VerifyOptions options, PrintWriter out, ProgressBar progress) throws Exception {
        try (JsonGenerator g = JsonOut.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("findings");
            Verification.Result r = Verification.run(c, options, !noState, f -> JsonOut.finding(g, f), progress);
            g.writeEndArray();
            g.writeBooleanField("clean", r.clean());
            g.writeNumberField("entries", r.ledger().entries());
            g.writeNumberField("pendingEntries", r.pendingEntries());
            g.writeStringField("root", HexFormat.of().formatHex(r.ledger().root()));
            g.writeStringField("chainHash", HexFormat.of().formatHex(r.ledger().chainHash()));
            g.writeNumberField("digestsChecked", r.ledger().digestsChecked());
            g.writeBooleanField("tablesChecked", r.tablesChecked());
            g.writeNumberField("rowsChecked", r.rowsRead());
            g.writeNumberField("findingCount", r.findings());
            g.writeNumberField("millis", r.ledger().took().toMillis());
            g.writeEndObject();
            g.flush();
            out.println();
            return r;
        } catch (IOException e) {
            throw e;
        }
    }
}
