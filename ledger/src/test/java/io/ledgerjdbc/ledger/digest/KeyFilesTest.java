package io.ledgerjdbc.ledger.digest;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @TempDir
    Path dir;

    @Test
    void privateKeyPemRoundTripSignsIdentically() throws Exception {
        Ed25519KeyPair keys = KeyFiles.generate();
        Path file = dir.resolve("signing.pem");

        KeyFiles.writePrivate(file, keys);
        Ed25519KeyPair loaded = KeyFiles.loadPrivate(file);

        assertThat(Files.readString(file, US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(loaded.publicKey().getEncoded()).isEqualTo(keys.publicKey().getEncoded());
        // Ed25519 is deterministic: the same key must produce the same signature bytes.
        assertThat(new DigestSigner(loaded.privateKey()).sign(Fixtures.head()))
                .isEqualTo(new DigestSigner(keys.privateKey()).sign(Fixtures.head()));
    }

    @Test
    void publicKeyPemRoundTripVerifiesTheSignersDigests() throws Exception {
        Ed25519KeyPair keys = KeyFiles.generate();
        Path file = dir.resolve("signing.pub.pem");

        KeyFiles.writePublic(file, keys.publicKey());
        Ed25519PublicKeyParameters loaded = KeyFiles.loadPublic(file);

        assertThat(Files.readString(file, US_ASCII)).startsWith("-----BEGIN PUBLIC KEY-----");
        SignedDigest digest = new DigestSigner(keys.privateKey()).sign(Fixtures.head());
        assertThat(loaded.getEncoded()).isEqualTo(digest.publicKey());
    }

    @Test
    void generatedKeysDiffer() {
        assertThat(KeyFiles.generate().publicKey().getEncoded()).isNotEqualTo(KeyFiles.generate().publicKey().getEncoded());
    }

    @Test
    void privateKeyFileIsOwnerReadWriteOnlyOnPosix() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "file system has no POSIX permissions");
        Path file = dir.resolve("signing.pem");

        KeyFiles.writePrivate(file, KeyFiles.generate());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void writePrivateRefusesToOverwriteAnExistingKey() throws Exception {
        Path file = dir.resolve("signing.pem");
        Ed25519KeyPair first = KeyFiles.generate();
        KeyFiles.writePrivate(file, first);

        assertThatThrownBy(() -> KeyFiles.writePrivate(file, KeyFiles.generate()))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(file.toString());
        assertThat(KeyFiles.loadPrivate(file).publicKey().getEncoded()).isEqualTo(first.publicKey().getEncoded());
    }

    @Test
    void opensslGeneratedKeyLoadsAndMatchesOpensslsPublicKey() throws Exception {
        Path key = dir.resolve("openssl.pem");
        Path pub = dir.resolve("openssl.pub.pem");
        openssl("genpkey", "-algorithm", "ed25519", "-out", key.toString());
        openssl("pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());

        Ed25519KeyPair loaded = KeyFiles.loadPrivate(key);

        assertThat(loaded.publicKey().getEncoded()).isEqualTo(KeyFiles.loadPublic(pub).getEncoded());
        assertThat(new DigestSigner(loaded.privateKey()).sign(Fixtures.head()).signatureValid()).isTrue();
    }

    @Test
    void opensslReadsOurPrivateKey() throws Exception {
        Ed25519KeyPair keys = KeyFiles.generate();
        Path key = dir.resolve("ours.pem");
        Path pub = dir.resolve("ours.pub.pem");
        KeyFiles.writePrivate(key, keys);

        openssl("pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());

        assertThat(KeyFiles.loadPublic(pub).getEncoded()).isEqualTo(keys.publicKey().getEncoded());
    }

    @Test
    void pkcs8V2WithItsPublicKeyLoadsButAMismatchedPublicKeyIsRejected() throws Exception {
        Ed25519KeyPair keys = KeyFiles.generate();
        PrivateKeyInfo v2 = PrivateKeyInfoFactory.createPrivateKeyInfo(keys.privateKey());
        PrivateKeyInfo mismatched = new PrivateKeyInfo(v2.getPrivateKeyAlgorithm(), v2.parsePrivateKey(), null,
                KeyFiles.generate().publicKey().getEncoded());
        Path good = writePem("v2.pem", "PRIVATE KEY", v2.getEncoded());
        Path bad = writePem("v2-mismatched.pem", "PRIVATE KEY", mismatched.getEncoded());

        assertThat(v2.hasPublicKey()).isTrue();
        assertThat(KeyFiles.loadPrivate(good).publicKey().getEncoded()).isEqualTo(keys.publicKey().getEncoded());
        assertThatThrownBy(() -> KeyFiles.loadPrivate(bad))
                .isInstanceOf(IOException.class)
                .hasMessage(bad + ": the public key stored in the file does not belong to its private key");
    }

    @Test
    void garbageFileIsRejectedNamingTheFile() throws Exception {
        Path file = Files.write(dir.resolve("garbage.pem"), new byte[] {(byte) 0xff, 0x00, 'x', '\n'});

        assertThatThrownBy(() -> KeyFiles.loadPrivate(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": no PEM block found, expected -----BEGIN PRIVATE KEY-----");
    }

    @Test
    void publicKeyFileLoadedAsPrivateIsRejectedNamingTheFile() throws Exception {
        Path file = dir.resolve("signing.pub.pem");
        KeyFiles.writePublic(file, KeyFiles.generate().publicKey());

        assertThatThrownBy(() -> KeyFiles.loadPrivate(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": found -----BEGIN PUBLIC KEY-----, expected -----BEGIN PRIVATE KEY-----");
    }

    @Test
    void privateKeyFileLoadedAsPublicIsRejectedNamingTheFile() throws Exception {
        Path file = dir.resolve("signing.pem");
        KeyFiles.writePrivate(file, KeyFiles.generate());

        assertThatThrownBy(() -> KeyFiles.loadPublic(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": found -----BEGIN PRIVATE KEY-----, expected -----BEGIN PUBLIC KEY-----");
    }

    @Test
    void keyOfAnotherAlgorithmIsRejectedNamingTheFileAndAlgorithm() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        Path file = writePem("ec.pem", "PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded());

        assertThatThrownBy(() -> KeyFiles.loadPrivate(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": key algorithm is 1.2.840.10045.2.1, expected Ed25519 (1.3.101.112)");
    }

    @Test
    void malformedContentInsideAPemBlockIsRejectedNamingTheFile() throws Exception {
        Path notDer = writePem("not-der.pem", "PRIVATE KEY", new byte[] {1, 2, 3, 4});
        Path badBase64 = Files.writeString(dir.resolve("bad-base64.pem"),
                "-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n");
        Path noEnd = Files.writeString(dir.resolve("no-end.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n");

        for (Path file : new Path[] {notDer, badBase64, noEnd}) {
            assertThatThrownBy(() -> KeyFiles.loadPrivate(file))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith(file + ": malformed");
        }
    }

    @Test
    void missingFileIsRejectedNamingTheFile() {
        Path file = dir.resolve("absent.pem");

        assertThatThrownBy(() -> KeyFiles.loadPrivate(file))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(file + ": no such key file");
    }

    private Path writePem(String name, String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return Files.writeString(dir.resolve(name), out.toString());
    }

    /** Runs openssl, skipping the calling test if it is not installed. */
    private static void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("openssl is not on PATH: " + e.getMessage());
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), US_ASCII);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(process.exitValue()).as("openssl %s exit code; output: %s", String.join(" ", args), output).isZero();
    }
}
