package io.ledgerjdbc.ledger.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Table-driven edge cases of proof generation and verification. */
class MerkleEdgeCasesTest {

    private static MemoryTree tree(int n) {
        MemoryTree t = new MemoryTree();
        for (int i = 0; i < n; i++) t.append(Hashes.leaf(new byte[] {(byte) i, (byte) (i >> 8)}));
        return t;
    }

    private static byte[] leaf(int i) {
        return Hashes.leaf(new byte[] {(byte) i, (byte) (i >> 8)});
    }

    @Test
    void emptyTreeRootIsSha256OfNothing() {
        assertThat(HexFormat.of().formatHex(new MemoryTree().root()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @ParameterizedTest(name = "inclusion of leaf {0} in size {1}")
    @CsvSource({"0,1", "0,2", "1,2", "3,4", "0,8", "7,8", "4,5", "8,9", "15,16", "16,17", "6,7"})
    void inclusionVerifiesAtSizeOnePowersOfTwoAndTheirNeighbours(int m, int n) {
        MemoryTree t = tree(n);
        assertThatCode(() -> MerkleVerifier.verifyInclusion(m, n, leaf(m), t.inclusionProof(m, n), t.root()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "wrong index,        1",
        "index past size,    2",
        "truncated proof,    3",
        "extended proof,     4",
        "smaller tree size,  5",
        "wrong leaf,         6",
        "swapped root,       7",
    })
    void inclusionRejectsEveryTamperedInput(String what, int variant) {
        MemoryTree t = tree(13);
        int m = 5;
        int n = 13;
        List<byte[]> proof = new ArrayList<>(t.inclusionProof(m, n));
        byte[] root = t.root();
        byte[] leafHash = leaf(m);
        long index = m;
        long size = n;
        switch (variant) {
            case 1 -> index = 4;
            case 2 -> index = 13;
            case 3 -> proof.remove(proof.size() - 1);
            case 4 -> proof.add(Hashes.emptyTree());
            case 5 -> size = 8;
            case 6 -> leafHash = leaf(6);
            case 7 -> root = t.root(12);
            default -> throw new IllegalArgumentException();
        }
        long i = index;
        long s = size;
        byte[] l = leafHash;
        byte[] r = root;
        assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(i, s, l, proof, r)).isInstanceOf(InvalidProofException.class);
    }

    @ParameterizedTest(name = "consistency {0} -> {1}")
    @CsvSource({"1,1", "1,2", "2,3", "1,8", "4,8", "3,8", "7,8", "8,8", "8,9", "5,16", "16,17", "6,7"})
    void consistencyVerifiesIncludingEqualSizesAndPowersOfTwo(int m, int n) {
        MemoryTree t = tree(n);
        List<byte[]> proof = t.consistencyProof(m, n);
        assertThat(proof.isEmpty()).isEqualTo(m == n);
        assertThatCode(() -> MerkleVerifier.verifyConsistency(m, n, t.root(m), t.root(n), proof)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "swapped roots,         1",
        "truncated proof,       2",
        "extended proof,        3",
        "first size zero,       4",
        "first after second,    5",
        "equal sizes with proof,6",
        "old root of other tree,7",
    })
    void consistencyRejectsEveryTamperedInput(String what, int variant) {
        MemoryTree t = tree(11);
        long m = 6;
        long n = 11;
        List<byte[]> proof = new ArrayList<>(t.consistencyProof(6, 11));
        byte[] r1 = t.root(6);
        byte[] r2 = t.root(11);
        switch (variant) {
            case 1 -> { byte[] x = r1; r1 = r2; r2 = x; }
            case 2 -> proof.remove(proof.size() - 1);
            case 3 -> proof.add(Hashes.emptyTree());
            case 4 -> m = 0;
            case 5 -> { m = 11; n = 6; }
            case 6 -> { m = 11; n = 11; r1 = r2; }
            case 7 -> r1 = tree(6).root(5);
            default -> throw new IllegalArgumentException();
        }
        long a = m;
        long b = n;
        byte[] x = r1;
        byte[] y = r2;
        assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(a, b, x, y, proof)).isInstanceOf(InvalidProofException.class);
    }

    @Test
    void proofGenerationRefusesImpossibleRequests() {
        assertThatThrownBy(() -> MerkleMath.inclusionPath(5, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MerkleMath.consistencyPath(0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MerkleMath.consistencyPath(6, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree(4).read(List.of(new NodeId(2, 1)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMisalignedRangeIsRefusedRatherThanHashedWrongly() {
        assertThatThrownBy(() -> MerkleMath.hashes(List.of(new Range(1, 4)), tree(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not aligned");
    }

    @Test
    void proofElementsOfTheWrongLengthAreRejected() {
        MemoryTree t = tree(4);
        List<byte[]> proof = new ArrayList<>(t.inclusionProof(1, 4));
        proof.set(0, new byte[31]);
        assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(1, 4, leaf(1), proof, t.root()))
                .isInstanceOf(InvalidProofException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(2, 4, null, t.root(), t.consistencyProof(2, 4)))
                .isInstanceOf(InvalidProofException.class);
    }
}
