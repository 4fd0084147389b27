package io.ledgerjdbc.ledger.digest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Ed25519 keys in the standard PEM files OpenSSL reads and writes: PKCS#8 {@code PRIVATE KEY} and X.509
 * SubjectPublicKeyInfo {@code PUBLIC KEY}. A key from {@code openssl genpkey -algorithm ed25519} loads as is.
 * <p>
 * Every failure to load is an {@link IOException} whose message names the file and what is wrong with it.
 */
public final class KeyFiles {

    private static final String PRIVATE_KEY = "PRIVATE KEY";
    private static final String PUBLIC_KEY = "PUBLIC KEY";
    private static final ASN1ObjectIdentifier ED25519 = EdECObjectIdentifiers.id_Ed25519;

    private KeyFiles() {
    }

    /** A new key pair from a fresh {@link SecureRandom}. */
    public static Ed25519KeyPair generate() {
        return Ed25519KeyPair.of(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /**
     * Writes the private key as PKCS#8 PEM. Where the file system supports POSIX permissions the file is created
     * {@code rw-------}: set at creation, not afterwards, so the key is never readable by others even briefly.
     *
     * @throws FileAlreadyExistsException if {@code file} exists: a signing key is never silently overwritten
     */
    public static void writePrivate(Path file, Ed25519KeyPair keys) throws IOException {
        PrivateKeyInfo withPublicKey = PrivateKeyInfoFactory.createPrivateKeyInfo(keys.privateKey());
        // Bouncy Castle writes PKCS#8 v2 (RFC 5958, public key included), which OpenSSL 3.0 refuses to read
        // ("unsupported"); v1 without the public key is what openssl genpkey itself writes.
        PrivateKeyInfo v1 = new PrivateKeyInfo(withPublicKey.getPrivateKeyAlgorithm(), withPublicKey.parsePrivateKey());
        byte[] pem = pem(PRIVATE_KEY, v1.getEncoded());
        FileAttribute<?>[] ownerOnly = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(file, ownerOnly);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite an existing private key");
        }
        Files.write(file, pem);
    }

    /** Writes the public key as SubjectPublicKeyInfo PEM, replacing {@code file} if it exists. */
    public static void writePublic(Path file, Ed25519PublicKeyParameters publicKey) throws IOException {
        Files.write(file, pem(PUBLIC_KEY, SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded()));
    }

    /**
     * Reads a PKCS#8 PEM Ed25519 private key, such as one written by {@link #writePrivate} or by
     * {@code openssl genpkey -algorithm ed25519}. Encrypted keys are not supported.
     *
     * @throws IOException if the file cannot be read, is not a PEM {@code PRIVATE KEY}, holds a key of another
     *                     algorithm, or holds a public key that does not belong to its private key
     */
    public static Ed25519KeyPair loadPrivate(Path file) throws IOException {
        byte[] der = readPem(file, PRIVATE_KEY);
        PrivateKeyInfo info = decode(file, "PKCS#8 private key", () -> PrivateKeyInfo.getInstance(der));
        requireEd25519(file, info.getPrivateKeyAlgorithm().getAlgorithm());
        Ed25519KeyPair keys = Ed25519KeyPair.of(
                decode(file, "Ed25519 private key", () -> (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(info)));
        // PKCS#8 v2 (RFC 5958) may carry the public key too; if it disagrees the file is corrupt.
        if (info.hasPublicKey() && !Arrays.equals(info.getPublicKeyData().getOctets(), keys.publicKey().getEncoded())) {
            throw new IOException(file + ": the public key stored in the file does not belong to its private key");
        }
        return keys;
    }

    /**
     * Reads a SubjectPublicKeyInfo PEM Ed25519 public key, such as one written by {@link #writePublic} or by
     * {@code openssl pkey -pubout}.
     *
     * @throws IOException if the file cannot be read, is not a PEM {@code PUBLIC KEY}, or holds a key of another
     *                     algorithm or an invalid Ed25519 point
     */
    public static Ed25519PublicKeyParameters loadPublic(Path file) throws IOException {
        byte[] der = readPem(file, PUBLIC_KEY);
        SubjectPublicKeyInfo info = decode(file, "SubjectPublicKeyInfo", () -> SubjectPublicKeyInfo.getInstance(der));
        requireEd25519(file, info.getAlgorithm().getAlgorithm());
        return decode(file, "Ed25519 public key", () -> (Ed25519PublicKeyParameters) PublicKeyFactory.createKey(info));
    }

    private interface Decoding<T> {
        T run() throws IOException;
    }

    /** Runs one DER decoding step, turning every way it can fail into an IOException naming the file. */
    private static <T> T decode(Path file, String what, Decoding<T> decoding) throws IOException {
        try {
            return decoding.run();
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // Bouncy Castle reports malformed DER with unchecked exceptions as well as IOException.
            throw new IOException(file + ": malformed " + what + ": " + e.getMessage(), e);
        }
    }

    private static void requireEd25519(Path file, ASN1ObjectIdentifier algorithm) throws IOException {
        if (!ED25519.equals(algorithm)) {
            throw new IOException(file + ": key algorithm is " + algorithm.getId() + ", expected Ed25519 (" + ED25519.getId() + ")");
        }
    }

    private static byte[] pem(String type, byte[] der) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString().getBytes(US_ASCII);
    }

    /** The DER content of the first PEM block, which must be of {@code type}. */
    private static byte[] readPem(Path file, String type) throws IOException {
        String text;
        try {
            // ISO-8859-1 decodes any bytes, so a binary file is reported as "no PEM block" rather than a charset error.
            text = Files.readString(file, ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such key file");
        } catch (IOException e) {
            throw new IOException(file + ": cannot read key file: " + e, e);
        }
        PemObject pem;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            pem = reader.readPemObject();
        } catch (IOException | IllegalStateException e) {
            // IllegalStateException: Bouncy Castle's DecoderException for bad base64 inside the block.
            throw new IOException(file + ": malformed PEM: " + e.getMessage(), e);
        }
        if (pem == null) {
            throw new IOException(file + ": no PEM block found, expected -----BEGIN " + type + "-----");
        }
        if (!pem.getType().equals(type)) {
            throw new IOException(file + ": found -----BEGIN " + pem.getType() + "-----, expected -----BEGIN " + type + "-----");
        }
        return pem.getContent();
    }
}
