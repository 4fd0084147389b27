package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.digest.DigestJson;
import io.ledgerjdbc.ledger.digest.DigestSigner;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import io.ledgerjdbc.ledger.digest.TreeHead;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.driver.FileErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "digest", mixinStandardHelpOptions = true,
        description = {"Sign the ledger's current tree head (size, Merkle root, chain hash) with an Ed25519 key, store the "
                + "digest in the ledger and append it to FILE.",
                "Keep FILE (or a copy) outside the database: verify --digests FILE then catches a ledger rewritten from scratch."})
final class DigestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "jdbc:ledger:... or the raw jdbc:... URL of the database.")
    String url;

    @Option(names = "--key", required = true, paramLabel = "PRIVATE.pem", description = "The signing key (keygen writes one).")
    Path key;

    @Option(names = "--out", paramLabel = "FILE", description = "JSON Lines file to append the digest to.")
    Path out;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        DigestSigner signer;
        try {
            signer = new DigestSigner(KeyFiles.loadPrivate(key).privateKey());
        } catch (IOException e) {
            throw new UserError("--key: " + FileErrors.describe(e), e);
        }
        SignedDigest digest;
        try (Connection c = connection.openLedger(url)) {
            LedgerStore store = LedgerStore.of(c);
            c.setAutoCommit(false); // the head is read and the digest stored in one transaction
            try {
                LedgerHead head = store.readHead(c);
                if (head.size() == 0) {
                    spec.commandLine().getErr().println("error: the ledger is empty; there is nothing to sign yet");
                    return LedgerCli.ERROR;
                }
                digest = signer.sign(new TreeHead(head.size(), head.root(), head.chainHash(), Instant.now()));
                store.storeDigest(c, head.size(), digest.keyId(), DigestJson.toJsonLine(digest));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        if (out != null) {
            try {
                DigestJson.appendJsonLine(out, digest);
            } catch (IOException e) {
                throw new UserError("the digest of size " + digest.head().treeSize() + " is stored in the database but not appended "
                        + "to --out: " + FileErrors.describe(e) + "; keep its line yourself: " + DigestJson.toJsonLine(digest), e);
            }
        }
        spec.commandLine().getOut().println(DigestJson.toJsonLine(digest));
        spec.commandLine().getErr().println("signed tree head at size " + digest.head().treeSize() + ", root "
                + HexFormat.of().formatHex(digest.head().rootHash()) + ", with key " + digest.keyId()
                + (out != null ? "; appended to " + out : ""));
        return LedgerCli.CLEAN;
    }
}
