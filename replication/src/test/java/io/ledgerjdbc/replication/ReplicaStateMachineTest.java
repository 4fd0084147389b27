package io.ledgerjdbc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jgroups.JChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The state machine's contract with its {@link Replica}, against an in-memory replica that keeps a ledger of
 * transaction ids and its applied position the way the driver's does (same transaction as the change): commands
 * reach the replica in log order with their ordinals; a re-applied log skips exactly what the database holds of
 * that log; a database is adopted, followed or refused by its identity; a failure stops the member, a business
 * rejection does not.
 */
class ReplicaStateMachineTest {

    private static final LogIdentity LOG = new LogIdentity("cluster-1", "log-1");
    private final List<JChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(JChannel::close);
    }

    /** A database: its ledger (transaction ids), its stored position, and every call the state machine made. */
    static final class FakeReplica implements Replica {
        final List<String> ledger = new ArrayList<>();
        final List<Long> appliedOrdinals = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        AppliedPosition stored;

        FakeReplica(AppliedPosition stored, String... ledger) {
            this.stored = stored;
            this.ledger.addAll(Arrays.asList(ledger));
        }

        @Override
        public AppliedPosition appliedPosition() {
            return stored;
        }

        /** "conflict…" is rejected as certification does (40001); "crash…" fails as a broken database does. */
        @Override
        public Outcome apply(long ordinal, LedgerEntry writeSet, byte[] signature) {
            calls.add("apply " + ordinal + " " + writeSet.txId());
            if (writeSet.txId().startsWith("crash")) {
                throw new IllegalStateException("disk full");
            }
            if (writeSet.txId().startsWith("conflict")) {
                return new Outcome.Rejected(ordinal, SqlStates.SERIALIZATION_FAILURE, 0, "row changed by a transaction ordered first");
            }
            ledger.add(writeSet.txId());
            appliedOrdinals.add(ordinal);
            stored = new AppliedPosition(stored.log(), ordinal); // in the same transaction as the change
            return new Outcome.Committed(ordinal, ledger.size());
        }

        @Override
        public Outcome checkpoint(long ordinal, long size, byte[] chainHash) {
            calls.add("checkpoint " + size);
            return size <= ledger.size() && MessageDigest.isEqual(chain(ledger.subList(0, (int) size)), chainHash)
                    ? new Outcome.Done(ordinal) : new Outcome.Diverged(ordinal, "chain hash differs at " + size);
        }

        @Override
        public LedgerPosition position() {
            return new LedgerPosition(ledger.size(), chain(ledger));
        }

        @Override
        public List<StoredWriteSet> readEntries(long fromSeq, long toSeq, int maxEntries, int maxBytes) {
            throw new UnsupportedOperationException("no peer asks this replica");
        }

        @Override
        public LedgerPosition install(List<StoredWriteSet> entries) {
            throw new UnsupportedOperationException("no entries are installed in these tests");
        }

        @Override
        public void adopt(LogIdentity log, long ordinal) {
            calls.add("adopt " + log.logId() + " " + ordinal);
            stored = new AppliedPosition(log, ordinal);
        }
    }

    static byte[] chain(List<String> txIds) {
        try {
            byte[] h = new byte[32];
            for (String tx : txIds) {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                d.update(h);
                d.update(tx.getBytes(StandardCharsets.UTF_8));
                h = d.digest();
            }
            return h;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ReplicaStateMachine machine(Replica replica, int members) throws Exception {
        JChannel unconnected = new JChannel(false); // never connected: no peer can be asked for entries
        channels.add(unconnected);
        return new ReplicaStateMachine(replica, "a", () -> members, new SnapshotTransfer(unconnected, replica, "a"));
    }

    private static Outcome run(ReplicaStateMachine m, Command c) {
        byte[] bytes = c.encode();
        return Outcome.decode(m.apply(bytes, 0, bytes.length, true));
    }

    private static Command genesis(List<String> ledger) {
        return new Command.Genesis(LOG, ledger.size(), chain(ledger));
    }

    private static Command write(String txId) {
        return new Command.WriteSet(new LedgerEntry(1, "b", Instant.EPOCH, txId, List.of()), new byte[0]);
    }

    private static Replica.AppliedPosition never() {
        return new Replica.AppliedPosition(null, 0);
    }

    @Test
    void commandsReachTheReplicaInLogOrderNumberedByTheirPlaceInTheLog() throws Exception {
        FakeReplica db = new FakeReplica(never());
        ReplicaStateMachine m = machine(db, 3);
        assertThat(run(m, genesis(List.of()))).isEqualTo(new Outcome.Done(1));
        assertThat(run(m, write("t1"))).isEqualTo(new Outcome.Committed(2, 1));
        assertThat(run(m, new Command.Barrier())).isEqualTo(new Outcome.Done(3));
        assertThat(run(m, write("t2"))).isEqualTo(new Outcome.Committed(4, 2));
        assertThat(db.calls).containsExactly("adopt log-1 1", "apply 2 t1", "apply 4 t2");
        assertThat(db.ledger).containsExactly("t1", "t2");
        assertThat(m.applied()).isEqualTo(4);
        assertThat(m.localOutcome(2)).isEqualTo(new Outcome.Committed(2, 1));
        assertThat(m.awaitApplied(4, System.nanoTime())).isTrue();
    }

    @Test
    void aReappliedLogSkipsExactlyTheCommandsTheDatabaseHoldsOfThatLog() throws Exception {
        FakeReplica db = new FakeReplica(never());
        ReplicaStateMachine first = machine(db, 3);
        List<Command> log = List.of(genesis(List.of()), write("t1"), write("t2"), write("t3"));
        log.subList(0, 3).forEach(c -> run(first, c));
        assertThat(db.stored).isEqualTo(new Replica.AppliedPosition(LOG, 3));

        // restart: the library re-applies the whole log; the database stored ordinal 3 of this very log
        db.calls.clear();
        ReplicaStateMachine restarted = machine(db, 3);
        List<Outcome> outcomes = log.stream().map(c -> run(restarted, c)).toList();
        assertThat(outcomes).containsExactly(new Outcome.Done(1), new Outcome.Done(2), new Outcome.Done(3), new Outcome.Committed(4, 3));
        assertThat(db.calls).containsExactly("checkpoint 0", "apply 4 t3");
        assertThat(db.ledger).containsExactly("t1", "t2", "t3");
    }

    @Test
    void aPositionStoredInAnotherLogSkipsNothingAndTheDatabaseIsAdoptedAtTheLogsStart() throws Exception {
        LogIdentity former = new LogIdentity("cluster-1", "log-0");
        FakeReplica db = new FakeReplica(new Replica.AppliedPosition(former, 50), "s1", "s2");
        ReplicaStateMachine m = machine(db, 3);
        run(m, genesis(List.of("s1", "s2")));
        assertThat(run(m, write("t1"))).isEqualTo(new Outcome.Committed(2, 3));
        assertThat(db.calls).containsExactly("adopt log-1 1", "apply 2 t1");
        assertThat(m.identity()).isEqualTo(LOG);
    }

    @Test
    void anotherClustersDatabaseIsRefusedAndNothingIsAppliedToIt() throws Exception {
        FakeReplica db = new FakeReplica(new Replica.AppliedPosition(new LogIdentity("cluster-9", "log-7"), 5), "x1");
        ReplicaStateMachine m = machine(db, 3);
        assertThat(run(m, genesis(List.of("x1")))).isInstanceOf(Outcome.Diverged.class);
        assertThat(run(m, write("t1"))).isInstanceOf(Outcome.Diverged.class);
        assertThat(m.refusal()).contains("belongs to another cluster");
        assertThat(db.calls).isEmpty();
        assertThat(m.awaitApplied(2, System.nanoTime() + 1_000_000)).isFalse();
    }

    @Test
    void aWriteSetBeforeTheLogsGenesisIsRefused() throws Exception {
        FakeReplica db = new FakeReplica(never());
        ReplicaStateMachine m = machine(db, 3);
        assertThat(run(m, write("t1"))).isInstanceOf(Outcome.Diverged.class);
        assertThat(m.refusal()).contains("before the log's genesis");
        assertThat(db.calls).isEmpty();
    }

    @Test
    void aRejectionIsAnOutcomeButAFailureStopsTheMember() throws Exception {
        FakeReplica db = new FakeReplica(never());
        ReplicaStateMachine m = machine(db, 3);
        run(m, genesis(List.of()));
        assertThat(run(m, write("conflict-1"))).isInstanceOf(Outcome.Rejected.class);
        assertThat(run(m, write("t1"))).isEqualTo(new Outcome.Committed(3, 1));
        Outcome failed = run(m, write("crash-1"));
        assertThat(failed).isInstanceOf(Outcome.Diverged.class);
        assertThat(((Outcome.Diverged) failed).message()).contains("disk full");
        assertThat(run(m, write("t2"))).isInstanceOf(Outcome.Diverged.class);
        assertThat(db.calls).containsExactly("adopt log-1 1", "apply 2 conflict-1", "apply 3 t1", "apply 4 crash-1");
        assertThat(m.diverged()).contains("disk full");
        assertThat(m.refusal()).isNull();
        assertThat(m.commits()).isEqualTo(1);
        assertThat(m.rejections()).isEqualTo(1);
        assertThat(m.applied()).isEqualTo(3);
    }

    @Test
    void disagreeingWithAMinorityIsToleratedButNotWithAMajority() throws Exception {
        FakeReplica db = new FakeReplica(never());
        ReplicaStateMachine m = machine(db, 3);
        run(m, genesis(List.of()));
        run(m, write("t1"));
        assertThat(run(m, new Command.Checkpoint("b", 1, chain(List.of("t1"))))).isEqualTo(new Outcome.Done(3));
        assertThat(run(m, new Command.Checkpoint("b", 1, chain(List.of("other"))))).isEqualTo(new Outcome.Done(4));
        assertThat(m.diverged()).isNull();
        assertThat(run(m, new Command.Checkpoint("c", 1, chain(List.of("other"))))).isInstanceOf(Outcome.Diverged.class);
        assertThat(m.diverged()).contains("disagrees with [b, c]");
    }

    @Test
    void aSnapshotCarriesTheLogsIdentityAndOrdinalToAnotherMember() throws Exception {
        FakeReplica leader = new FakeReplica(never());
        ReplicaStateMachine a = machine(leader, 3);
        List.of(genesis(List.of()), write("t1"), write("t2")).forEach(c -> run(a, c));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        a.writeContentTo(new DataOutputStream(snapshot));

        // a copy of the leader's database that never joined: adopted at the snapshot's ordinal, numbering goes on
        FakeReplica copy = new FakeReplica(never(), "t1", "t2");
        ReplicaStateMachine b = machine(copy, 3);
        b.readContentFrom(new DataInputStream(new ByteArrayInputStream(snapshot.toByteArray())));
        assertThat(b.identity()).isEqualTo(LOG);
        assertThat(b.applied()).isEqualTo(3);
        assertThat(run(b, write("t3"))).isEqualTo(new Outcome.Committed(4, 3));
        assertThat(copy.calls).containsExactly("adopt log-1 3", "apply 4 t3");
    }
}
