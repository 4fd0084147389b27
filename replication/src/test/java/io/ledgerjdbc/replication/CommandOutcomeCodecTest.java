package io.ledgerjdbc.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes into the Raft log and what comes back must round-trip exactly: every node decodes the same bytes. */
class CommandOutcomeCodecTest {

    private static final LedgerEntry WRITE_SET = new LedgerEntry(1, "A", Instant.parse("2026-11-24T12:00:00.123456Z"), "tx-1",
            List.of(new DdlChange("t", "CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10))"),
                    RowChange.insert("t", Row.of("id", Value.of(1)), Row.builder().put("id", Value.of(1)).put("v", Value.of("é")).build())));

    @Test
    void aWriteSetRoundTripsWithAndWithoutASignature() {
        for (byte[] signature : List.of(new byte[0], new byte[64])) {
            signature = signature.clone();
            if (signature.length > 0) signature[63] = 7;
            byte[] bytes = new Command.WriteSet(WRITE_SET, signature).encode();
            Command.WriteSet back = assertInstanceOf(Command.WriteSet.class, Command.decode(bytes, 0, bytes.length));
            assertEquals(WRITE_SET, back.entry());
            assertArrayEquals(signature, back.signature());
        }
    }

    @Test
    void barriersAndCheckpointsRoundTripAtAnOffset() {
        byte[] checkpoint = new Command.Checkpoint("B", 42, new byte[32]).encode();
        byte[] framed = new byte[checkpoint.length + 5];
        System.arraycopy(checkpoint, 0, framed, 3, checkpoint.length);
        Command.Checkpoint c = assertInstanceOf(Command.Checkpoint.class, Command.decode(framed, 3, checkpoint.length));
        assertEquals(42, c.size());
        assertEquals("B", c.member());
        assertEquals(32, c.chainHash().length);
        byte[] barrier = new Command.Barrier().encode();
        assertInstanceOf(Command.Barrier.class, Command.decode(barrier, 0, barrier.length));
    }

    @Test
    void aGenesisRoundTripsAtAnOffset() {
        LogIdentity log = LogIdentity.newLog(null);
        byte[] chain = new byte[32];
        chain[31] = 9;
        byte[] genesis = new Command.Genesis(log, 1234, chain).encode();
        byte[] framed = new byte[genesis.length + 4];
        System.arraycopy(genesis, 0, framed, 2, genesis.length);
        Command.Genesis g = assertInstanceOf(Command.Genesis.class, Command.decode(framed, 2, genesis.length));
        assertEquals(log, g.log());
        assertEquals(1234, g.size());
        assertArrayEquals(chain, g.chainHash());
        assertEquals(log.clusterId(), LogIdentity.newLog(log.clusterId()).clusterId(), "a new log of the same cluster keeps its id");
    }

    @Test
    void foreignBytesAreRefusedNotMisread() {
        assertThrows(IllegalArgumentException.class, () -> Command.decode(new byte[] {9, 1, 2}, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Command.decode(new byte[0], 0, 0));
        byte[] truncated = new Command.WriteSet(WRITE_SET, new byte[0]).encode();
        assertThrows(RuntimeException.class, () -> Command.decode(truncated, 0, truncated.length - 1));
    }

    @Test
    void everyOutcomeRoundTrips() {
        List<Outcome> outcomes = List.of(new Outcome.Committed(7, 5), new Outcome.Rejected(8, "40001", 0, "row 1 changed"),
                new Outcome.Rejected(9, null, 1062, "duplicate"), new Outcome.Done(10), new Outcome.Diverged(11, "ledger differs"));
        for (Outcome o : outcomes) {
            assertEquals(o, Outcome.decode(o.encode()));
        }
        String longMessage = "x".repeat(70_000);
        Outcome.Rejected r = (Outcome.Rejected) Outcome.decode(new Outcome.Rejected(1, "23505", 0, longMessage).encode());
        assertEquals(8001, r.message().length(), "messages are cut to fit the encoding, not lost");
    }
}
