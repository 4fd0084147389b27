package io.ledgerjdbc.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.util.ByteArrayDataInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams ledger entries to a member installing a snapshot, over the member's own channel, in bounded chunks:
 * the member asks a peer for the entries after its ledger's end, the peer reads them from its database (on a
 * thread of its own, not Raft's) and answers with at most {@link #MAX_ENTRIES} entries or about
 * {@link #MAX_BYTES} bytes. Neither side ever holds more than one chunk.
 *
 * <p>The channel's application receiver is free: RAFT and REDIRECT consume only messages with their headers and
 * pass every other message up.
 */
final class SnapshotTransfer implements Receiver {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTransfer.class);
    static final int MAX_ENTRIES = 1000;
    static final int MAX_BYTES = 1 << 20;
    /** How long one peer has to answer one chunk before the next peer is asked. */
    private static final long ANSWER_MILLIS = 15_000;
    private static final byte REQUEST = 1;
    private static final byte RESPONSE = 2;

    private final JChannel channel;
    private final Replica replica;
    private final ExecutorService serving;
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, CompletableFuture<List<Replica.StoredWriteSet>>> waiting = new ConcurrentHashMap<>();

    SnapshotTransfer(JChannel channel, Replica replica, String nodeId) {
        this.channel = channel;
        this.replica = replica;
        // One reader at a time; a member asking again after a timeout replaces nothing, so queued requests are few.
        this.serving = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "ledger-snapshot-serve-" + nodeId);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        channel.setReceiver(this);
    }

    /** Whether peers can be asked now: not while the channel is still connecting (the log is loaded then). */
    boolean ready() {
        return channel.isConnected() && channel.getView() != null && channel.getView().size() > 1;
    }

    /**
     * The next chunk of entries from {@code fromSeq} to at most {@code toSeq}, from the leader if it answers,
     * otherwise from any other member.
     *
     * @throws IOException when no member answered with at least one entry
     */
    List<Replica.StoredWriteSet> fetch(long fromSeq, long toSeq) throws IOException, InterruptedException {
        List<Address> peers = peers();
        for (Address peer : peers) {
            long id = requestIds.incrementAndGet();
            CompletableFuture<List<Replica.StoredWriteSet>> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            try {
                send(peer, request(id, fromSeq, toSeq));
                List<Replica.StoredWriteSet> entries = answer.get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
                if (!entries.isEmpty() && entries.get(0).seq() == fromSeq) {
                    return entries;
                }
                LOG.info("member {} holds no ledger entry {}; asking another member", peer, fromSeq);
            } catch (TimeoutException | java.util.concurrent.ExecutionException | RuntimeException e) {
                LOG.info("member {} did not send ledger entries from {}: {}", peer, fromSeq, e.toString());
            } finally {
                waiting.remove(id);
            }
        }
        throw new IOException("no member of " + peers + " sent ledger entries from " + fromSeq);
    }

    private List<Address> peers() {
        List<Address> peers = new ArrayList<>();
        RAFT raft = channel.getProtocolStack().findProtocol(RAFT.class);
        Address leader = raft == null ? null : raft.leader();
        if (leader != null && !leader.equals(channel.getAddress())) {
            peers.add(leader);
        }
        View view = channel.getView();
        if (view != null) {
            for (Address a : view.getMembers()) {
                if (!a.equals(channel.getAddress()) && !peers.contains(a)) {
                    peers.add(a);
                }
            }
        }
        return peers;
    }

    @Override
    public void receive(Message msg) {
        byte[] body = msg.getArray();
        if (body == null || msg.getLength() == 0) {
            return;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayDataInputStream(body, msg.getOffset(), msg.getLength()));
            byte kind = in.readByte();
            if (kind == REQUEST) {
                long id = in.readLong();
                long from = in.readLong();
                long to = in.readLong();
                Address asker = msg.src();
                serving.execute(() -> serve(asker, id, from, to));
            } else if (kind == RESPONSE) {
                long id = in.readLong();
                CompletableFuture<List<Replica.StoredWriteSet>> answer = waiting.get(id);
                if (answer != null) {
                    answer.complete(readEntries(in));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("unreadable snapshot transfer message from {}: {}", msg.src(), e.toString());
        }
    }

    private void serve(Address asker, long id, long from, long to) {
        try {
            List<Replica.StoredWriteSet> entries = replica.readEntries(from, to, MAX_ENTRIES, MAX_BYTES);
            send(asker, response(id, entries));
            LOG.debug("sent {} ledger entries from {} to {}", entries.size(), from, asker);
        } catch (Exception e) {
            LOG.warn("cannot send ledger entries from {} to {}: {}", from, asker, e.toString());
        }
    }

    private void send(Address to, byte[] body) throws IOException {
        try {
            // Out of band: neither waits behind Raft's traffic from the same member.
            channel.send(new BytesMessage(to, body).setFlag(Message.Flag.OOB));
        } catch (Exception e) {
            throw new IOException("cannot send to " + to + ": " + e, e);
        }
    }

    private static byte[] request(long id, long from, long to) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(25);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(REQUEST);
        out.writeLong(id);
        out.writeLong(from);
        out.writeLong(to);
        return bytes.toByteArray();
    }

    private static byte[] response(long id, List<Replica.StoredWriteSet> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(RESPONSE);
        out.writeLong(id);
        out.writeInt(entries.size());
        for (Replica.StoredWriteSet e : entries) {
            out.writeLong(e.seq());
            out.writeInt(e.entry().length);
            out.write(e.entry());
            out.writeShort(e.signature().length);
            out.write(e.signature());
        }
        return bytes.toByteArray();
    }

    private static List<Replica.StoredWriteSet> readEntries(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ENTRIES) {
            throw new IOException("a chunk of " + n + " entries");
        }
        List<Replica.StoredWriteSet> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = in.readLong();
            byte[] entry = new byte[in.readInt()];
            in.readFully(entry);
            byte[] signature = new byte[in.readUnsignedShort()];
            in.readFully(signature);
            entries.add(new Replica.StoredWriteSet(seq, entry, signature));
        }
        return entries;
    }

    void close() {
        serving.shutdownNow();
    }
}
