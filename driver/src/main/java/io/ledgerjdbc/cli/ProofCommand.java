package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.digest.DigestFormatException;
import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.StoredEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "proof", mixinStandardHelpOptions = true,
        description = {"Prove that one entry is in the ledger: the entry, its leaf hash, the inclusion proof against the root "
                + "at a tree size, that root, and the signed digest of that size when one is stored.",
                "Write it with --json or --out and check it anywhere with verify-proof, without the database."})
final class ProofCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "jdbc:ledger:... or the raw jdbc:... URL of the database.")
    String url;

    @Parameters(index = "1", paramLabel = "SEQ", description = "The entry to prove.")
    long seq;

    @Option(names = "--size", paramLabel = "N",
            description = "Prove against the root at this tree size (default: the largest stored digest covering SEQ, else the current size).")
    Long size;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the proof document (JSON) instead of text.")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the proof document to FILE.")
    Path out;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        ProofDocument proof;
        boolean digestFromStore;
        try (Connection c = connection.openLedger(url)) {
            LedgerStore store = LedgerStore.of(c);
            long current = store.size(c);
            if (seq < 1 || seq > current) {
                throw new ParameterException(spec.commandLine(), "SEQ must be between 1 and the ledger's size " + current + ", was " + seq);
            }
            SignedDigest digest = chooseDigest(store.readDigestLines(c));
            long n = size != null ? size : digest != null ? digest.head().treeSize() : current;
            if (n < seq || n > current) {
                throw new ParameterException(spec.commandLine(), "--size must be between SEQ (" + seq + ") and the ledger's size "
                        + current + ", was " + n);
            }
            if (digest != null && digest.head().treeSize() != n) {
                digest = null;
            }
            if (digest == null && size != null) {
                digest = digestAt(store.readDigestLines(c), n);
            }
            digestFromStore = digest != null;
            StoredEntry e = store.readEntry(c, seq);
            List<byte[]> path = store.inclusionProof(c, seq, n);
            byte[] root = store.root(c, n);
            proof = new ProofDocument(seq, e.entry(), e.leafHash(), n, root, path, digest);
        }
        String document = render(proof);
        if (out != null) {
            Files.writeString(out, document + "\n", StandardCharsets.UTF_8);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(document);
        } else {
            HexFormat hex = HexFormat.of();
            w.println("entry " + proof.seq() + ", leaf hash " + hex.formatHex(proof.leafHash()));
            EntryFormat.lines(new StoredEntry(proof.seq(), proof.entry(), proof.leafHash(), null, null)).forEach(l -> w.println("  " + l));
            w.println("tree size " + proof.treeSize() + ", root " + hex.formatHex(proof.rootHash()));
            w.println("inclusion proof: " + proof.path().size() + " hash" + (proof.path().size() == 1 ? "" : "es"));
            proof.path().forEach(h -> w.println("  " + hex.formatHex(h)));
            w.println(digestFromStore ? "signed digest: key " + proof.digest().keyId() + " at " + proof.digest().head().timestamp()
                    : "no stored digest for size " + proof.treeSize() + " (the root is unsigned: give verify-proof a digest of that size)");
            if (out != null) {
                w.println("written to " + out);
            }
        }
        return LedgerCli.CLEAN;
    }

    /** The stored digest with the largest size that covers {@code seq}, or null. */
    private SignedDigest chooseDigest(List<String> lines) {
        SignedDigest best = null;
        for (String line : lines) {
            try {
                SignedDigest d = DigestJson.fromJsonLine(line);
                if (d.head().treeSize() >= seq && d.signatureValid() && (best == null || d.head().treeSize() > best.head().treeSize())) {
                    best = d;
                }
            } catch (DigestFormatException malformed) {
                // verify reports it; a proof simply does not use it
            }
        }
        return best;
    }

    private static SignedDigest digestAt(List<String> lines, long n) {
        for (String line : lines) {
            try {
                SignedDigest d = DigestJson.fromJsonLine(line);
                if (d.head().treeSize() == n && d.signatureValid()) {
                    return d;
                }
            } catch (DigestFormatException malformed) {
                // as above
            }
        }
        return null;
    }

    private static String render(ProofDocument proof) throws Exception {
        StringWriter s = new StringWriter();
        try (JsonGenerator g = JsonOut.generator(new PrintWriter(s))) {
            g.useDefaultPrettyPrinter();
            proof.write(g);
        }
        return s.toString();
    }
}
