package io.ledgerjdbc.ledger.merkle;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Proof verification exactly as RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) write it. Needs no
 * storage: a third party holding a signed root can run it. A consistency proof from size 0 is rejected: it
 * proves nothing (every tree extends the empty one), and accepting one would let a caller skip a check.
 */
public final class MerkleVerifier {

    private MerkleVerifier() {
    }

    public static void verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws InvalidProofException {
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new InvalidProofException("leaf index " + leafIndex + " is not in a tree of size " + treeSize);
        }
        requireHash(leafHash, "leaf hash");
        requireHash(root, "root");
        requireHashes(proof);
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new InvalidProofException("inclusion proof is longer than the tree is deep");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Hashes.node(p, r);
                while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            } else {
                r = Hashes.node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("inclusion proof is shorter than the tree is deep");
        }
        requireEqual(r, root, "computed root does not match the expected root");
    }

    public static void verifyConsistency(long first, long second, byte[] firstHash, byte[] secondHash, List<byte[]> proof)
            throws InvalidProofException {
        if (first < 1 || first > second) {
            throw new InvalidProofException("no consistency proof from size " + first + " to size " + second);
        }
        if (firstHash == null || secondHash == null || proof == null) {
            throw new InvalidProofException("roots and proof must be given");
        }
        if (first == second) {
            if (!proof.isEmpty()) throw new InvalidProofException("sizes are equal but the proof is not empty");
            requireEqual(firstHash, secondHash, "sizes are equal but the roots differ");
            return;
        }
        if (proof.isEmpty()) {
            throw new InvalidProofException("consistency proof is empty");
        }
        requireHash(firstHash, "first root");
        requireHash(secondHash, "second root");
        requireHashes(proof);
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.add(0, firstHash);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new InvalidProofException("consistency proof is longer than needed");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Hashes.node(c, fr);
                sr = Hashes.node(c, sr);
                while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            } else {
                sr = Hashes.node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("consistency proof is shorter than needed");
        }
        requireEqual(fr, firstHash, "proof does not lead to the first root");
        requireEqual(sr, secondHash, "proof does not lead to the second root");
    }

    private static void requireHash(byte[] hash, String what) throws InvalidProofException {
        if (hash == null || hash.length != Hashes.SIZE) {
            throw new InvalidProofException(what + " must be " + Hashes.SIZE + " bytes");
        }
    }

    private static void requireHashes(List<byte[]> proof) throws InvalidProofException {
        if (proof == null) {
            throw new InvalidProofException("proof must be given");
        }
        for (byte[] p : proof) {
            requireHash(p, "every proof element");
        }
    }

    private static void requireEqual(byte[] computed, byte[] expected, String message) throws InvalidProofException {
        if (expected == null || !MessageDigest.isEqual(computed, expected)) {
            throw new InvalidProofException(message);
        }
    }
}
