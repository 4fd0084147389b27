package io.ledgerjdbc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.LedgerVerifier;
import io.ledgerjdbc.ledger.verify.VerifyOptions;
import io.ledgerjdbc.ledger.verify.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        List<SignedDigest> external = digests == null ? List.of() : DigestJson.readJsonLines(digests);
        VerifyOptions options = VerifyOptions.defaults().from(from).trusting(Set.copyOf(new LinkedHashSet<>(trusted)))
                .withExternalDigests(external);
        List<Finding> findings = new ArrayList<>();
        PrintWriter out = spec.commandLine().getOut();
        VerifyReport report;
        try (Connection c = connection.open(url)) {
            report = new LedgerVerifier(LedgerStore.of(c)).verify(c, options, f -> {
                findings.add(f);
                if (!json) {
                    out.println(f);
                }
            });
        }
        if (json) {
            out.println(JSON.writeValueAsString(toJson(report, findings)));
        } else {
            out.printf("%s: %d entries, root %s, %d digest%s checked: %s%n", report.clean() ? "CLEAN" : "FINDINGS",
                    report.entries(), HexFormat.of().formatHex(report.root()), report.digestsChecked(),
                    report.digestsChecked() == 1 ? "" : "s",
                    report.clean() ? "no findings" : report.findings() + " finding" + (report.findings() == 1 ? "" : "s"));
        }
        return report.clean() ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
    }

    static ObjectNode toJson(VerifyReport report, List<Finding> findings) {
        ObjectNode root = JSON.createObjectNode();
        root.put("clean", report.clean());
        root.put("entries", report.entries());
        root.put("root", HexFormat.of().formatHex(report.root()));
        root.put("chainHash", HexFormat.of().formatHex(report.chainHash()));
        root.put("digestsChecked", report.digestsChecked());
        root.put("millis", report.took().toMillis());
        ArrayNode list = root.putArray("findings");
        for (Finding f : findings) {
            ObjectNode o = list.addObject();
            o.put("kind", f.kind().name());
            if (f.seq() != null) o.put("seq", f.seq());
            if (f.table() != null) o.put("table", f.table());
            if (f.key() != null) o.put("key", f.key());
            if (f.expected() != null) o.put("expected", f.expected());
            if (f.found() != null) o.put("found", f.found());
            if (f.detail() != null) o.put("detail", f.detail());
        }
        return root;
    }
}
