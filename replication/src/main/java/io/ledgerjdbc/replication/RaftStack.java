package io.ledgerjdbc.replication;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.NO_DUPES;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.REDIRECT;
import org.jgroups.stack.Protocol;

/**
 * The JGroups stack of a member: TCP to a static member list (no multicast, no discovery beyond the list),
 * failure detection tuned for a fast failover, optional symmetric encryption keyed by the cluster secret, a join
 * check that admits only processes with the same member list ({@link MembershipAuth}), and jgroups-raft on top,
 * counting members only and with a leader lease ({@link LedgerRaft}, {@link MemberElection}).
 *
 * <p>Public so that tools and benchmarks can build exactly the channel a member runs (wrap it in a
 * {@code RaftHandle} with any state machine, then connect it); {@link ClusterMember} is the only production user.
 */
public final class RaftStack {

    private RaftStack() {}

    /** A new, unconnected channel for {@code config}'s member, named by its node id. */
    public static JChannel channel(ClusterConfig config) throws Exception {
        return channel(config, () -> null, why -> { });
    }

    /**
     * @param clusterId the cluster id of the member's database (null while it has none), shown to joiners
     * @param refusals  told about every process refused as a non-member or for another member list
     */
    static JChannel channel(ClusterConfig config, java.util.function.Supplier<String> clusterId,
                            java.util.function.Consumer<String> refusals) throws Exception {
        List<Protocol> stack = new ArrayList<>();
        RAFT raft = new LedgerRaft().lease(config.failureTimeout()).onRefusal(refusals)
                .members(List.copyOf(config.members().keySet()))
                .raftId(config.nodeId())
                .logClass(TermKeepingLog.class.getName()) // the library's file log, its term never lowered
                .logDir(config.dataDir().toAbsolutePath().toString())
                .logPrefix(config.clusterName() + "-" + config.nodeId())
                .logUseFsync(config.logFsync())
                // A snapshot is only a marker (ReplicaStateMachine); the ledger behind it is streamed by SnapshotTransfer.
                .maxLogSize(config.maxLogSize());
        TCP tcp = new TCP();
        InetSocketAddress listen = config.listenAddress();
        tcp.setBindAddress(listen.getAddress());
        tcp.setBindPort(listen.getPort());
        if (!listen.equals(config.ownAddress())) {
            // Listening elsewhere (NAT, port forwarding, a proxy): tell the others the address they reach it at, and
            // connect from the listening interface, so the far side sees one address per member.
            tcp.setExternalAddr(config.ownAddress().getAddress());
            tcp.setExternalPort(config.ownAddress().getPort());
            if (!listen.getAddress().isAnyLocalAddress()) {
                tcp.setClientBindAddr(listen.getAddress());
            }
        }
        tcp.setPortRange(0); // bind exactly the configured port, or fail: another port would be unknown to the others
        // JGroups 5.4 turned TCP_NODELAY off by default (JGRP-2781). Raft is request/response with small messages: with
        // Nagle's algorithm on, an AppendEntries or its acknowledgement written while the previous one is unacknowledged
        // waits for the peer's delayed ACK, about 40 ms on Linux: 1-2 % of commits took 40 ms (ClusterBench p99).
        tcp.tcpNodelay(true);
        stack.add(tcp);
        stack.add(new TCPPING().setInitialHosts(config.members().values()).setPortRange(0));
        stack.add(new MERGE3().setMinInterval(1000).setMaxInterval(3000));
        // Its server socket (member port + 100) listened on every interface unless told otherwise.
        stack.add(new FD_SOCK2().setBindAddress(listen.getAddress()));
        long failure = config.failureTimeout().toMillis();
        stack.add(new FD_ALL3().setTimeout(failure).setInterval(Math.max(100, failure / 4)));
        stack.add(new VERIFY_SUSPECT2().setTimeout(Math.max(200, failure / 4)));
        if (config.secret() != null) {
            SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
            encrypt.setSecretKey(clusterKey(config));
            stack.add(encrypt);
        }
        stack.add(new NAKACK2().useMcastXmit(false));
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        stack.add(new NO_DUPES());
        // The Raft log's member list (the configured one until the log changes it with `cluster add/remove`).
        stack.add(new MembershipAuth(new MembershipToken(config.nodeId(), raft::members, clusterId), refusals));
        stack.add(new GMS().setJoinTimeout(1000).printLocalAddress(false));
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        stack.add(new MemberElection());
        stack.add(raft);
        stack.add(new REDIRECT());
        JChannel channel = new JChannel(stack);
        channel.name(config.nodeId());
        return channel;
    }

    /** AES-256 key derived from the secret (PBKDF2, salted with the cluster name so clusters never share keys). */
    static SecretKey clusterKey(ClusterConfig config) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(config.secret().toCharArray(),
                ("ledgerjdbc-cluster:" + config.clusterName()).getBytes(StandardCharsets.UTF_8), 100_000, 256);
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return new SecretKeySpec(key, "AES");
    }
}
