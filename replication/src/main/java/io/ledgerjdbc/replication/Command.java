package io.ledgerjdbc.replication;

import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What goes into the Raft log: one byte of kind, then the kind's body.
 * <ul>
 *   <li>{@code WRITE_SET}: a transaction's captured changes, encoded as a ledger entry (its seq is a placeholder;
 *       the applier gives it the next seq of the ledger when it commits);</li>
 *   <li>{@code BARRIER}: nothing; applied in order like any command, so a caller that sees it applied locally has
 *       seen everything committed before it (linearizable reads);</li>
 *   <li>{@code CHECKPOINT}: a member's ledger size and its chain hash at that size; every other member compares
 *       it with its own ledger, and a member that disagrees with a majority of the others stops as diverged;</li>
 *   <li>{@code GENESIS}: the first command of every Raft log: the log's identity (cluster id, log id) and the ledger
 *       position its proposer started from. Before its first submit a member that has applied no genesis proposes
 *       one; the first applied fixes the log's identity, later ones are no-ops (see {@link ReplicaStateMachine}).</li>
 * </ul>
 */
public sealed interface Command {

    byte WRITE_SET = 1;
    byte BARRIER = 2;
    byte CHECKPOINT = 3;
    byte GENESIS = 4;

    byte[] encode();

    /**
     * @param signature the origin's {@link io.ledgerjdbc.ledger.digest.OriginSignature} over the entry, or an
     *                  empty array when the origin has no key
     */
    record WriteSet(LedgerEntry entry, byte[] signature) implements Command {
        @Override
        public byte[] encode() {
            byte[] body = EntryCodec.encode(entry);
            return ByteBuffer.allocate(1 + 2 + signature.length + body.length)
                    .put(WRITE_SET).putShort((short) signature.length).put(signature).put(body).array();
        }
    }

    record Barrier() implements Command {
        @Override
        public byte[] encode() {
            return new byte[] {BARRIER};
        }
    }

    record Checkpoint(String member, long size, byte[] chainHash) implements Command {
        @Override
        public byte[] encode() {
            byte[] id = member.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 8 + 1 + id.length + chainHash.length)
                    .put(CHECKPOINT).putLong(size).put((byte) id.length).put(id).put(chainHash).array();
        }
    }

    /**
     * @param log       the identity of the log this command starts
     * @param size      the proposer's ledger size when it proposed it
     * @param chainHash the proposer's chain hash at {@code size}
     */
    record Genesis(LogIdentity log, long size, byte[] chainHash) implements Command {
        @Override
        public byte[] encode() {
            byte[] cluster = log.clusterId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] id = log.logId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 1 + cluster.length + 1 + id.length + 8 + chainHash.length)
                    .put(GENESIS).put((byte) cluster.length).put(cluster).put((byte) id.length).put(id).putLong(size)
                    .put(chainHash).array();
        }
    }

    /** @throws IllegalArgumentException for bytes no member wrote (a foreign or corrupt command) */
    static Command decode(byte[] data, int offset, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("empty command");
        }
        byte[] body = Arrays.copyOfRange(data, offset + 1, offset + length);
        return switch (data[offset]) {
            case WRITE_SET -> {
                ByteBuffer b = ByteBuffer.wrap(body);
                byte[] signature = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(signature);
                yield new WriteSet(EntryCodec.decode(Arrays.copyOfRange(body, b.position(), body.length)), signature);
            }
            case BARRIER -> new Barrier();
            case CHECKPOINT -> {
                ByteBuffer b = ByteBuffer.wrap(body);
                long size = b.getLong();
                byte[] id = new byte[Byte.toUnsignedInt(b.get())];
                b.get(id);
                byte[] chain = new byte[b.remaining()];
                b.get(chain);
                yield new Checkpoint(new String(id, java.nio.charset.StandardCharsets.UTF_8), size, chain);
            }
            case GENESIS -> {
                ByteBuffer b = ByteBuffer.wrap(body);
                String cluster = shortString(b);
                String id = shortString(b);
                long size = b.getLong();
                byte[] chain = new byte[b.remaining()];
                b.get(chain);
                yield new Genesis(new LogIdentity(cluster, id), size, chain);
            }
            default -> throw new IllegalArgumentException("unknown command kind " + data[offset]);
        };
    }

    private static String shortString(ByteBuffer b) {
        byte[] s = new byte[Byte.toUnsignedInt(b.get())];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
