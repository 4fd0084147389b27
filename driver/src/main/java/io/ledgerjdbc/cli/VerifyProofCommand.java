package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.InvalidProofException;
import io.ledgerjdbc.ledger.merkle.MerkleVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "verify-proof", mixinStandardHelpOptions = true,
        description = {"Check a proof written by the proof command, offline: no database is needed.",
                "The entry bytes must hash to the leaf, the inclusion proof must lead to the root, and the root must be "
                        + "the one a validly signed digest states for that size (from --digest FILE, else the one in the proof)."})
final class VerifyProofCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    LedgerCli cli;

    @Parameters(index = "0", paramLabel = "PROOF.json", description = "The proof document.")
    Path proofFile;

    @Option(names = "--digest", paramLabel = "FILE",
            description = "Signed digests you hold (JSON Lines); one must have the proof's tree size. Default: the proof's own digest.")
    Path digestFile;

    @Option(names = "--trust", paramLabel = "KEYID", split = ",", description = "Key ids whose signatures count (default: any valid signature).")
    List<String> trusted = new ArrayList<>();

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        for (String id : trusted) {
            if (!id.matches("[0-9a-f]{16}")) {
                throw new ParameterException(spec.commandLine(), "--trust takes key ids of 16 lowercase hex digits, not '" + id + "'");
            }
        }
        ProofDocument p = ProofDocument.read(proofFile);
        PrintWriter out = spec.commandLine().getOut();
        Style style = cli != null ? cli.style() : Style.PLAIN;
        HexFormat hex = HexFormat.of();
        List<String> problems = new ArrayList<>();

        LedgerEntry entry = null;
        try {
            entry = EntryCodec.decode(p.entry());
            if (entry.seq() != p.seq()) {
                problems.add("the entry says it is entry " + entry.seq() + ", the proof says " + p.seq());
            }
        } catch (RuntimeException malformed) {
            problems.add("the entry bytes are not a canonical entry: " + malformed.getMessage());
        }
        byte[] leaf = Hashes.leaf(p.entry());
        if (!MessageDigest.isEqual(leaf, p.leafHash())) {
            problems.add("the entry bytes hash to " + hex.formatHex(leaf) + ", not to the proof's leaf hash " + hex.formatHex(p.leafHash()));
        }
        try {
            MerkleVerifier.verifyInclusion(p.seq() - 1, p.treeSize(), leaf, p.path(), p.rootHash());
        } catch (InvalidProofException e) {
            problems.add("the inclusion proof does not hold: " + e.getMessage());
        }

        SignedDigest digest = p.digest();
        String digestSource = "the proof's own digest";
        if (digestFile != null) {
            digest = null;
            digestSource = digestFile.toString();
            for (SignedDigest d : VerifyCommand.readDigests(digestFile, "--digest")) {
                if (d.head().treeSize() == p.treeSize() && (trusted.isEmpty() || trusted.contains(d.keyId()))) {
                    digest = d;
                }
            }
            if (digest == null) {
                problems.add(digestFile + " has no digest" + (trusted.isEmpty() ? "" : " by a trusted key") + " for tree size "
                        + p.treeSize() + " (make the proof with --size set to the size of a digest you hold)");
            }
        }
        if (digest != null) {
            if (!digest.signatureValid()) {
                problems.add("the digest's signature (key " + digest.keyId() + ") is invalid");
            } else if (!trusted.isEmpty() && !trusted.contains(digest.keyId())) {
                problems.add("the digest is signed by " + digest.keyId() + ", which is not among the trusted keys");
            }
            if (digest.head().treeSize() != p.treeSize() || !MessageDigest.isEqual(digest.head().rootHash(), p.rootHash())) {
                problems.add("the digest states root " + hex.formatHex(digest.head().rootHash()) + " at size " + digest.head().treeSize()
                        + ", the proof root " + hex.formatHex(p.rootHash()) + " at size " + p.treeSize());
            }
        }

        if (!problems.isEmpty()) {
            out.println(style.bad("INVALID") + ": entry " + p.seq() + " is not proven:");
            problems.forEach(m -> out.println("  " + m));
            return LedgerCli.FINDINGS;
        }
        out.println(style.good("VALID") + ": entry " + p.seq() + " is in the ledger of " + p.treeSize() + " entries with root "
                + hex.formatHex(p.rootHash()));
        if (digest != null) {
            out.println("  root signed by key " + digest.keyId() + " at " + digest.head().timestamp() + " (" + digestSource + ")");
        } else {
            out.println("  " + style.bad("warning") + ": no signed digest vouches for this root; anyone with the database could have "
                    + "made it. Give --digest FILE with a digest of size " + p.treeSize() + ".");
        }
        if (entry != null) {
            out.println("  " + EntryFormat.header(entry));
            for (Change c : entry.changes()) {
                out.println("    " + EntryFormat.change(c, style));
            }
        }
        return LedgerCli.CLEAN;
    }
}
