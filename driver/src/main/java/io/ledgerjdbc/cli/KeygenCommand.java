package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.digest.Ed25519KeyPair;
import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.SignedDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Write a new Ed25519 key pair for signing digests: the private key to --out (PKCS#8 PEM, "
                + "readable by its owner only) and the public key beside it (NAME.pub.pem).")
final class KeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "PRIVATE.pem", description = "Where to write the private key.")
    Path out;

    @Option(names = "--force", description = "Overwrite existing key files.")
    boolean force;

    @Mixin
    Verbosity verbosity;

    static Path publicKeyPath(Path privateKey) {
        String name = privateKey.getFileName().toString();
        String base = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return privateKey.resolveSibling(base + ".pub.pem");
    }

    @Override
    public Integer call() throws Exception {
        Path pub = publicKeyPath(out);
        for (Path p : new Path[] {out, pub}) {
            if (Files.exists(p) && !force) {
                spec.commandLine().getErr().println("error: " + p + " exists; use --force to overwrite it");
                return LedgerCli.ERROR;
            }
        }
        Ed25519KeyPair keys = KeyFiles.generate();
        KeyFiles.writePrivate(out, keys);
        KeyFiles.writePublic(pub, keys.publicKey());
        String keyId = SignedDigest.keyIdOf(keys.publicKey().getEncoded());
        spec.commandLine().getOut().printf("private key: %s%npublic key:  %s%nkey id:      %s%n", out, pub, keyId);
        return LedgerCli.CLEAN;
    }
}
