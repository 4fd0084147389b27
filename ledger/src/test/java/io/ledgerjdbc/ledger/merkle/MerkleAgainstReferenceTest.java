package io.ledgerjdbc.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every fast function agrees with the literal recursive RFC definitions, over sizes up to a few thousand. */
class MerkleAgainstReferenceTest {

    private static final int MAX = 3000;
    private static final List<byte[]> LEAVES = new ArrayList<>();
    private static final MemoryTree TREE = new MemoryTree();

    @BeforeAll
    static void build() {
        for (int i = 0; i < MAX; i++) {
            byte[] leaf = Hashes.leaf(ByteBuffer.allocate(4).putInt(i).array());
            LEAVES.add(leaf);
            TREE.append(leaf);
        }
    }

    /** Every size 0..300, then sizes around every power of two, then random ones up to MAX. */
    private static List<Integer> sizes() {
        List<Integer> sizes = new ArrayList<>();
        for (int n = 0; n <= 300; n++) sizes.add(n);
        for (int p = 256; p <= 2048; p *= 2) { sizes.add(p - 1); sizes.add(p); sizes.add(p + 1); }
        Random random = new Random(6962);
        for (int i = 0; i < 40; i++) sizes.add(1 + random.nextInt(MAX));
        sizes.add(MAX);
        return sizes;
    }

    @Test
    void frontierRootEqualsReferenceRootAfterEveryAppend() {
        MerkleFrontier frontier = new MerkleFrontier();
        assertThat(frontier.root()).isEqualTo(ReferenceMerkle.mth(List.of()));
        for (int n = 1; n <= MAX; n++) {
            frontier.append(LEAVES.get(n - 1));
            if (n <= 300 || Integer.bitCount(n) <= 2 || n % 97 == 0) {
                assertThat(frontier.root()).as("size %d", n).isEqualTo(ReferenceMerkle.mth(LEAVES.subList(0, n)));
            }
        }
    }

    @Test
    void rootOfEveryPrefixFromStoredNodesEqualsReference() {
        for (int n : sizes()) {
            assertThat(TREE.root(n)).as("size %d", n).isEqualTo(ReferenceMerkle.mth(LEAVES.subList(0, n)));
        }
    }

    @Test
    void inclusionProofsEqualReferenceAndVerify() throws InvalidProofException {
        Random random = new Random(1);
        for (int n : sizes()) {
            if (n == 0) continue;
            byte[] root = ReferenceMerkle.mth(LEAVES.subList(0, n));
            for (int m : new int[] {0, n - 1, n / 2, random.nextInt(n)}) {
                List<byte[]> proof = TREE.inclusionProof(m, n);
                assertThat(proof).as("PATH(%d, D[%d])", m, n)
                        .containsExactlyElementsOf(ReferenceMerkle.path(m, LEAVES.subList(0, n)));
                MerkleVerifier.verifyInclusion(m, n, LEAVES.get(m), proof, root);
            }
        }
    }

    @Test
    void consistencyProofsEqualReferenceAndVerify() throws InvalidProofException {
        Random random = new Random(2);
        for (int n : sizes()) {
            if (n == 0) continue;
            byte[] root2 = ReferenceMerkle.mth(LEAVES.subList(0, n));
            for (int m : new int[] {1, n, n / 2 + 1, 1 + random.nextInt(n), Integer.highestOneBit(n)}) {
                List<byte[]> proof = TREE.consistencyProof(m, n);
                assertThat(proof).as("PROOF(%d, D[%d])", m, n)
                        .containsExactlyElementsOf(ReferenceMerkle.proof(m, LEAVES.subList(0, n)));
                MerkleVerifier.verifyConsistency(m, n, ReferenceMerkle.mth(LEAVES.subList(0, m)), root2, proof);
            }
        }
    }

    @Test
    void everyAuditPathEntryIsWrongWhenOneBitFlips() {
        int n = 1000;
        int m = 617;
        List<byte[]> proof = TREE.inclusionProof(m, n);
        byte[] root = TREE.root(n);
        for (int i = 0; i < proof.size(); i++) {
            List<byte[]> bad = new ArrayList<>(proof);
            byte[] flipped = bad.get(i).clone();
            flipped[i % 32] ^= 1;
            bad.set(i, flipped);
            int at = i;
            assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(m, n, LEAVES.get(m), bad, root))
                    .as("bit flipped in entry %d", at).isInstanceOf(InvalidProofException.class);
        }
    }

    @Test
    void proofsReadOnlyLogarithmicallyManyNodes() {
        List<Integer> reads = new ArrayList<>();
        NodeReader counting = ids -> { reads.add(ids.size()); return TREE.read(ids); };
        long n = MAX - 1; // 2999: not a power of two, the worst shape
        for (long m = 0; m < n; m += 37) {
            MerkleMath.hashes(MerkleMath.inclusionPath(m, n), counting);
            MerkleMath.hashes(MerkleMath.consistencyPath(m + 1, n), counting);
        }
        int bound = 2 * (64 - Long.numberOfLeadingZeros(n)) + 1;
        assertThat(reads).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(bound));
    }

    @Test
    void frontierRebuiltFromStoredNodesContinuesTheSameTree() {
        for (int n : new int[] {0, 1, 2, 3, 7, 8, 255, 1000}) {
            MerkleFrontier resumed = MerkleFrontier.of(n, TREE.read(MerkleFrontier.nodesFor(n)));
            for (int i = n; i < n + 50; i++) resumed.append(LEAVES.get(i));
            assertThat(resumed.root()).as("resumed at %d", n).isEqualTo(ReferenceMerkle.mth(LEAVES.subList(0, n + 50)));
        }
    }

    @Test
    void appendReturnsTheInteriorNodesItCompletes() {
        MerkleFrontier frontier = new MerkleFrontier();
        for (int i = 0; i < 64; i++) {
            byte[] completed = frontier.append(LEAVES.get(i));
            int levels = Long.numberOfTrailingZeros(~(long) i);
            assertThat(completed).hasSize(levels * 32);
            for (int l = 1; l <= levels; l++) {
                int first = (i >> l) << l;
                byte[] expected = ReferenceMerkle.mth(LEAVES.subList(first, first + (1 << l)));
                byte[] actual = java.util.Arrays.copyOfRange(completed, (l - 1) * 32, l * 32);
                assertThat(actual).as("leaf %d, level %d", i, l).isEqualTo(expected);
            }
        }
    }
}
