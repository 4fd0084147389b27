package io.ledgerjdbc.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

/**
 * What a process presents when it joins or merges with another: its member ids and the cluster id of its
 * database (empty while it has none). Two processes agree when their member lists name the same ids and, where
 * both databases have a cluster id, it is the same. Addresses are not compared: they may be written differently on
 * different hosts (a name here, an address there), and a majority is counted by id.
 *
 * <p>Public with a no-argument constructor because JGroups creates the received token by class name.
 */
public final class MembershipToken extends AuthToken {

    private String nodeId = "";
    /** The members this process counts now: the Raft log's list (a received token: the list it carried). */
    private Supplier<List<String>> members = List::of;
    private Supplier<String> clusterId = () -> null;
    /** The received token's cluster id (a local token reads {@link #clusterId} instead). */
    private String receivedClusterId;

    public MembershipToken() {
    }

    MembershipToken(String nodeId, Supplier<List<String>> members, Supplier<String> clusterId) {
        this.nodeId = nodeId;
        this.members = () -> members.get().stream().sorted().toList();
        this.clusterId = clusterId;
    }

    String nodeId() {
        return nodeId;
    }

    private String clusterIdOrEmpty() {
        String id = receivedClusterId != null ? receivedClusterId : clusterId.get();
        return id == null ? "" : id;
    }

    /**
     * Why {@code other} may not be in one view with this member, or null when they agree.
     */
    String mismatch(AuthToken other) {
        if (!(other instanceof MembershipToken t)) {
            return "a process without LedgerJDBC's membership check (" + other + ") asked to join member " + nodeId;
        }
        List<String> mine0 = members.get();
        List<String> theirs0 = t.members.get();
        if (!mine0.equals(theirs0)) {
            return "member " + t.nodeId + "'s member list " + theirs0 + " differs from member " + nodeId + "'s member list "
                    + mine0 + ": ledger.members must name the same members on every member, and a member added with"
                    + " `cluster add` joins only once the add is committed (docs/operations.md)";
        }
        String mine = clusterIdOrEmpty();
        String theirs = t.clusterIdOrEmpty();
        if (!mine.isEmpty() && !theirs.isEmpty() && !mine.equals(theirs)) {
            return "member " + t.nodeId + "'s database belongs to another cluster (cluster id " + theirs + ") than member "
                    + nodeId + "'s (cluster id " + mine + "): give it a copy of a running member's database or an empty one;"
                    + " see docs/operations.md, \"Seeding a member from a copy of a database\"";
        }
        return null;
    }

    @Override
    public String getName() {
        return getClass().getName();
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        return mismatch(token) == null;
    }

    @Override
    public int size() {
        int n = utfSize(nodeId) + 2 + utfSize(clusterIdOrEmpty());
        for (String m : members.get()) {
            n += utfSize(m);
        }
        return n;
    }

    private static int utfSize(String s) {
        return 2 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeUTF(nodeId);
        List<String> list = members.get();
        out.writeShort(list.size());
        for (String m : list) {
            out.writeUTF(m);
        }
        out.writeUTF(clusterIdOrEmpty());
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        nodeId = in.readUTF();
        int n = in.readUnsignedShort();
        List<String> read = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            read.add(in.readUTF());
        }
        List<String> received = List.copyOf(read);
        members = () -> received;
        receivedClusterId = in.readUTF();
    }

    @Override
    public String toString() {
        return "member " + nodeId + " of " + members.get() + (clusterIdOrEmpty().isEmpty() ? "" : " in cluster " + clusterIdOrEmpty());
    }
}
