package io.ledgerjdbc.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decision a member takes when it learns which log it applies, for every kind of database it may hold: only
 * a database whose stored ordinal counts in this very log skips commands.
 */
class AdoptionTest {

    private static final LogIdentity LOG = new LogIdentity("cluster-1", "log-2");
    private static final byte[] H10 = hash(10);

    private record Row(String database, Replica.AppliedPosition stored, long ledgerSize, byte[] chainHash,
                       Adoption.Kind expected, String reasonContains) {}

    @Test
    void everyKindOfDatabaseIsFollowedAdoptedCaughtUpOrRefused() {
        List<Row> table = List.of(
                new Row("a restart, or a member that lost its Raft log", stored("cluster-1", "log-2", 57), 40, hash(40),
                        Adoption.Kind.FOLLOW, null),
                new Row("a backup of a member of this log, shorter than the log's start", stored("cluster-1", "log-2", 3), 4, hash(4),
                        Adoption.Kind.FOLLOW, null),
                new Row("a copy of a former member (another log of the cluster), at the log's start", stored("cluster-1", "log-1", 80),
                        10, H10, Adoption.Kind.ADOPT, null),
                new Row("the database a new cluster starts from", stored(null, null, 0), 10, H10, Adoption.Kind.ADOPT, null),
                new Row("an older copy", stored("cluster-1", "log-1", 33), 6, hash(6), Adoption.Kind.CATCH_UP, null),
                new Row("an empty database", stored(null, null, 0), 0, hash(0), Adoption.Kind.CATCH_UP, null),
                new Row("a newer copy", stored("cluster-1", "log-1", 120), 12, hash(12), Adoption.Kind.REFUSE, "holds history the log does not"),
                new Row("a database that forked at the log's start", stored("cluster-1", "log-1", 80), 10, hash(99),
                        Adoption.Kind.REFUSE, "differs from the one the cluster's Raft log starts from"),
                new Row("another cluster's database, even one of the same size", stored("cluster-9", "log-7", 10), 10, H10,
                        Adoption.Kind.REFUSE, "belongs to another cluster"));
        for (Row row : table) {
            Adoption a = Adoption.decide(row.stored(), LOG, 10, H10, new Replica.LedgerPosition(row.ledgerSize(), row.chainHash()));
            assertEquals(row.expected(), a.kind(), row.database());
            if (row.reasonContains() == null) {
                assertNull(a.reason(), row.database());
            } else {
                assertTrue(a.reason().contains(row.reasonContains()) && a.reason().contains("docs/operations.md"),
                        row.database() + ": " + a.reason());
            }
        }
    }

    private static Replica.AppliedPosition stored(String cluster, String log, long ordinal) {
        return new Replica.AppliedPosition(cluster == null ? null : new LogIdentity(cluster, log), ordinal);
    }

    private static byte[] hash(int size) {
        byte[] h = new byte[32];
        h[0] = (byte) size;
        return h;
    }
}
