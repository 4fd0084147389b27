package io.ledgerjdbc.ledger.merkle;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.util.ArrayList;
import java.util.List;

/** RFC 9162 §2.1 written as literally as possible, recursion and all: the yardstick for the fast code. */
final class ReferenceMerkle {

    private ReferenceMerkle() {
    }

    /** MTH(D[n]) over leaf hashes. */
    static byte[] mth(List<byte[]> leaves) {
        int n = leaves.size();
        if (n == 0) return Hashes.emptyTree();
        if (n == 1) return leaves.get(0);
        int k = Integer.highestOneBit(n - 1);
        return Hashes.node(mth(leaves.subList(0, k)), mth(leaves.subList(k, n)));
    }

    /** PATH(m, D[n]). */
    static List<byte[]> path(int m, List<byte[]> leaves) {
        int n = leaves.size();
        List<byte[]> out = new ArrayList<>();
        if (n <= 1) return out;
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            out.addAll(path(m, leaves.subList(0, k)));
            out.add(mth(leaves.subList(k, n)));
        } else {
            out.addAll(path(m - k, leaves.subList(k, n)));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }

    /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
    static List<byte[]> proof(int m, List<byte[]> leaves) {
        return subproof(m, leaves, true);
    }

    private static List<byte[]> subproof(int m, List<byte[]> leaves, boolean b) {
        int n = leaves.size();
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) out.add(mth(leaves));
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m <= k) {
            out.addAll(subproof(m, leaves.subList(0, k), b));
            out.add(mth(leaves.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, leaves.subList(k, n), false));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }
}
