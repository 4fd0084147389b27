package io.ledgerjdbc.ledger.merkle;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which subtrees make up a root or a proof, in the terms of RFC 9162 §2.1. The proof functions return
 * {@link Range}s (each one entry of the proof); {@link #hashes} turns them into hashes with one batched
 * read of O(log n) stored perfect nodes.
 */
public final class MerkleMath {

    private MerkleMath() {
    }

    /** The largest power of two smaller than {@code n} (n ≥ 2): where the RFC splits a tree of n leaves. */
    public static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** The perfect subtrees that cover {@code range}, left to right, largest first. */
    public static List<NodeId> perfectNodes(Range range) {
        List<NodeId> nodes = new ArrayList<>();
        for (long begin = range.begin(); begin < range.end(); ) {
            int level = Math.min(Long.numberOfTrailingZeros(begin), 63 - Long.numberOfLeadingZeros(range.end() - begin));
            nodes.add(new NodeId(level, begin >>> level));
            begin += 1L << level;
        }
        return nodes;
    }

    /** PATH(m, D[0:n]) of RFC 9162 §2.1.3.1: the audit path of leaf {@code index}, leaf to root. */
    public static List<Range> inclusionPath(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
        }
        List<Range> path = new ArrayList<>();
        for (long begin = 0, end = size; end - begin > 1; ) {
            long k = split(end - begin);
            path.add(index < begin + k ? new Range(begin + k, end) : new Range(begin, begin + k));
            if (index < begin + k) end = begin + k; else begin += k;
        }
        Collections.reverse(path);
        return path;
    }

    /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1; empty when m = n. */
    public static List<Range> consistencyPath(long m, long n) {
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("no consistency proof from size " + m + " to size " + n);
        }
        List<Range> proof = new ArrayList<>();
        long begin = 0;
        long end = n;
        boolean wholeTreeKnown = true;
        while (m != end) {
            long k = split(end - begin);
            proof.add(m <= begin + k ? new Range(begin + k, end) : new Range(begin, begin + k));
            if (m <= begin + k) { end = begin + k; } else { begin += k; wholeTreeKnown = false; }
        }
        if (!wholeTreeKnown) {
            proof.add(new Range(begin, end));
        }
        Collections.reverse(proof);
        return proof;
    }

    /**
     * The hash of each range, reading every perfect node they need in one call. Each range must be one the
     * RFC's recursion produces: its start aligned to a power of two at least as large as its length (every
     * range of a root or proof is). For such a range the RFC tree is the right fold of its perfect cover.
     */
    public static List<byte[]> hashes(List<Range> ranges, NodeReader reader) {
        List<List<NodeId>> covers = new ArrayList<>(ranges.size());
        List<NodeId> all = new ArrayList<>();
        for (Range r : ranges) {
            long length = r.end() - r.begin();
            long span = Long.bitCount(length) == 1 ? length : Long.highestOneBit(length) << 1;
            if (r.begin() % span != 0) {
                throw new IllegalArgumentException(r + " is not aligned: its RFC 9162 hash is not a fold of perfect subtrees");
            }
            List<NodeId> cover = perfectNodes(r);
            covers.add(cover);
            all.addAll(cover);
        }
        List<byte[]> read = all.isEmpty() ? List.of() : reader.read(all);
        List<byte[]> out = new ArrayList<>(ranges.size());
        int at = 0;
        for (List<NodeId> cover : covers) {
            out.add(foldRight(read.subList(at, at + cover.size())));
            at += cover.size();
        }
        return out;
    }

    /** The root of the first {@code size} leaves (the empty-tree hash for size 0). */
    public static byte[] root(long size, NodeReader reader) {
        return size == 0 ? Hashes.emptyTree() : hashes(List.of(new Range(0, size)), reader).get(0);
    }

    /** Joins perfect subtrees listed left to right, largest first, into the RFC tree over their leaves. */
    static byte[] foldRight(List<byte[]> perfect) {
        byte[] acc = perfect.get(perfect.size() - 1);
        for (int i = perfect.size() - 2; i >= 0; i--) {
            acc = Hashes.node(perfect.get(i), acc);
        }
        return acc;
    }
}
