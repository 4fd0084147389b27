package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a ledger: every entry decodes, its leaf, chain and Merkle hashes match, seqs are dense, "
                + "and every stored and external digest is validly signed and matches the ledger at its size.")
final class VerifyCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "jdbc:ledger:... or the raw jdbc:... URL of the database.")
    String url;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--digests", paramLabel = "FILE", description = "JSON Lines of signed digests kept outside the database.")
    Path digests;

    @Option(names = "--trust", paramLabel = "KEYID", split = ",", description = "Key ids whose digests are trusted (default: any valid signature).")
    List<String> trusted = new ArrayList<>();

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "First entry to check (the stored state before it is trusted).")
    long from;

    @Option(names = "--json", description = "Print one JSON document instead of text.")
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
        List<SignedDigest> external = digests == null ? List.of() : DigestJson.readJsonLines(digests);
        VerifyOptions options = VerifyOptions.defaults().from(from).trusting(Set.copyOf(trusted))
                .withExternalDigests(external);
        PrintWriter out = spec.commandLine().getOut();
        try (Connection c = connection.open(url)) {
            LedgerVerifier verifier = new LedgerVerifier(LedgerStore.of(c));
            VerifyReport report = json ? verifyAsJson(verifier, c, options, out) : verifyAsText(verifier, c, options, out);
            return report.clean() ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
        }
    }

    /** One line per finding as it is found (nothing is held in memory), then a summary line. */
    private static VerifyReport verifyAsText(LedgerVerifier verifier, Connection c, VerifyOptions options, PrintWriter out)
            throws SQLException {
        VerifyReport report = verifier.verify(c, options, out::println);
        out.printf("%s: %d entries, root %s, %d digest%s checked: %s%n", report.clean() ? "CLEAN" : "FINDINGS",
                report.entries(), HexFormat.of().formatHex(report.root()), report.digestsChecked(),
                report.digestsChecked() == 1 ? "" : "s",
                report.clean() ? "no findings" : report.findings() + " finding" + (report.findings() == 1 ? "" : "s"));
        return report;
    }

    /** One JSON document, streamed: the findings array is written as findings arrive, the summary after it. */
    private static VerifyReport verifyAsJson(LedgerVerifier verifier, Connection c, VerifyOptions options, PrintWriter out)
            throws SQLException, IOException {
        try (JsonGenerator g = JSON.getFactory().createGenerator(new NonClosingWriter(out))) {
            g.writeStartObject();
            g.writeArrayFieldStart("findings");
            VerifyReport report = verifier.verify(c, options, f -> writeFinding(g, f));
            g.writeEndArray();
            g.writeBooleanField("clean", report.clean());
            g.writeNumberField("entries", report.entries());
            g.writeStringField("root", HexFormat.of().formatHex(report.root()));
            g.writeStringField("chainHash", HexFormat.of().formatHex(report.chainHash()));
            g.writeNumberField("digestsChecked", report.digestsChecked());
            g.writeNumberField("millis", report.took().toMillis());
            g.writeEndObject();
            g.flush();
            out.println();
            return report;
        }
    }

    private static void writeFinding(JsonGenerator g, Finding f) {
        try {
            g.writeStartObject();
            g.writeStringField("kind", f.kind().name());
            if (f.seq() != null) g.writeNumberField("seq", f.seq());
            if (f.table() != null) g.writeStringField("table", f.table());
            if (f.key() != null) g.writeStringField("key", f.key());
            if (f.expected() != null) g.writeStringField("expected", f.expected());
            if (f.found() != null) g.writeStringField("found", f.found());
            if (f.detail() != null) g.writeStringField("detail", f.detail());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the generator close without closing the command's output. */
    private static final class NonClosingWriter extends java.io.FilterWriter {
        NonClosingWriter(java.io.Writer w) {
            super(w);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

}
