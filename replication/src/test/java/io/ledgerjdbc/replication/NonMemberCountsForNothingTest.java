package io.ledgerjdbc.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jgroups.JChannel;
import org.jgroups.raft.RaftHandle;
import org.jgroups.raft.StateMachine;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft-level guard on its own: with the join check ({@link MembershipAuth}) taken out of every stack, a
 * process configured with another member list shares the JGroups view, and still counts toward nothing — neither
 * as a vote nor as an acknowledgement. Real channels on loopback, as {@link RaftStack} builds them.
 */
class NonMemberCountsForNothingTest {

    @TempDir
    Path dir;
    private final List<JChannel> channels = new ArrayList<>();
    private final Map<String, InetSocketAddress> all = new LinkedHashMap<>();

    @BeforeEach
    void ports() throws IOException {
        for (String id : List.of("A", "B", "C", "D")) all.put(id, new InetSocketAddress("127.0.0.1", freePort()));
    }

    private Map<String, InetSocketAddress> listABC() {
        Map<String, InetSocketAddress> abc = new LinkedHashMap<>(all);
        abc.remove("D");
        return abc;
    }

    @AfterEach
    void close() {
        channels.forEach(JChannel::close);
    }

    @Test
    void aVoteOfANonMemberElectsNoLeader() throws Exception {
        String cluster = "g" + System.nanoTime();
        RaftHandle a = member("A", listABC(), cluster);
        RaftHandle d = member("D", all, cluster);
        AtomicBoolean everLeader = new AtomicBoolean();
        for (RaftHandle m : List.of(a, d)) {
            m.addRoleListener(role -> everLeader.compareAndSet(false, role == org.jgroups.protocols.raft.Role.Leader));
        }
        awaitView(a, 2);
        Thread.sleep(3000); // several election rounds
        assertFalse(everLeader.get(), "D's vote, which A's member list does not name, made a leader");
        assertFalse(committed(a), "A committed with D's vote or acknowledgement");
    }

    @Test
    void anAcknowledgementOfANonMemberCommitsNothing() throws Exception {
        String cluster = "g" + System.nanoTime();
        RaftHandle a = member("A", listABC(), cluster);
        RaftHandle b = member("B", listABC(), cluster);
        RaftHandle leader = awaitLeader(List.of(a, b), 20_000);
        assertTrue(committed(leader), "A and B are a majority of A,B,C");
        member("D", all, cluster);
        awaitView(leader, 3);
        RaftHandle follower = leader == a ? b : a;
        follower.channel().close();
        awaitView(leader, 2, 2);
        assertFalse(committed(leader), "the leader committed with D's acknowledgement as its majority");
    }

    private RaftHandle member(String id, Map<String, InetSocketAddress> members, String cluster) throws Exception {
        ClusterConfig config = new ClusterConfig(id, members, cluster, dir.resolve("raft-" + id), Duration.ofSeconds(5),
                Duration.ofSeconds(1), null, false);
        JChannel channel = RaftStack.channel(config);
        channel.getProtocolStack().removeProtocol(MembershipAuth.class);
        channels.add(channel);
        RaftHandle handle = new RaftHandle(channel, new Echo()).raftId(id);
        channel.connect(cluster);
        return handle;
    }

    private static boolean committed(RaftHandle member) {
        byte[] command = {1, 2, 3};
        try {
            member.setAsync(command, 0, command.length).get(3, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void awaitView(RaftHandle member, int size) throws InterruptedException {
        awaitView(member, size, Integer.MAX_VALUE);
    }

    private static void awaitView(RaftHandle member, int min, int max) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (member.channel().getView().size() < min || member.channel().getView().size() > max) {
            if (System.currentTimeMillis() > deadline) fail("no view of " + min + " to " + max + " members: " + member.channel().getView());
            Thread.sleep(50);
        }
    }

    private static RaftHandle awaitLeader(List<RaftHandle> members, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            for (RaftHandle m : members) {
                if (m.isLeader()) return m;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader among " + members.size() + " members");
    }

    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (port < 65000) return port; // FD_SOCK2 listens on port + 100
            }
        }
    }

    /** Applies nothing, answers what it was given. */
    private static final class Echo implements StateMachine {
        @Override
        public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
            return java.util.Arrays.copyOfRange(data, offset, offset + length);
        }

        @Override
        public void readContentFrom(DataInput in) {
        }

        @Override
        public void writeContentTo(DataOutput out) {
        }
    }
}
