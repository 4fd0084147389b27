package io.ledgerjdbc.replication;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one member joins its cluster. Built once from validated options; {@link #members(String)} parses the
 * member list with messages precise enough to fix the configuration from.
 *
 * @param nodeId           this member's id, one of {@code members}' keys
 * @param members          every member's id and TCP address, in the configured order
 * @param clusterName      the JGroups cluster name; members of different clusters never talk
 * @param dataDir          where the Raft log and state of this member live
 * @param commitTimeout    how long a commit waits to be ordered and applied before it fails (SQLState 08007)
 * @param failureTimeout   how long a silent member takes to be suspected (FD_ALL3; a killed process is seen at once by FD_SOCK2)
 * @param secret           the shared cluster secret (members without it cannot join or send), or null for none
 * @param logFsync         whether the Raft log is fsynced before an entry counts as appended
 * @param maxLogSize       bytes the Raft log may grow by before it is compacted behind a snapshot
 * @param bindAddress      where this member listens when that is not its {@code members} address (NAT, port
 *                         forwarding, a proxy); null: it listens on its {@code members} address
 */
public record ClusterConfig(String nodeId, Map<String, InetSocketAddress> members, String clusterName, Path dataDir,
                            Duration commitTimeout, Duration failureTimeout, String secret, boolean logFsync, long maxLogSize,
                            InetSocketAddress bindAddress) {

    /** The default {@code maxLogSize}: 64 MiB of write-sets between snapshots. */
    public static final long DEFAULT_MAX_LOG_SIZE = 64L << 20;

    public ClusterConfig(String nodeId, Map<String, InetSocketAddress> members, String clusterName, Path dataDir,
                         Duration commitTimeout, Duration failureTimeout, String secret, boolean logFsync) {
        this(nodeId, members, clusterName, dataDir, commitTimeout, failureTimeout, secret, logFsync, DEFAULT_MAX_LOG_SIZE);
    }

    public ClusterConfig(String nodeId, Map<String, InetSocketAddress> members, String clusterName, Path dataDir,
                         Duration commitTimeout, Duration failureTimeout, String secret, boolean logFsync, long maxLogSize) {
        this(nodeId, members, clusterName, dataDir, commitTimeout, failureTimeout, secret, logFsync, maxLogSize, null);
    }

    public ClusterConfig {
        if (maxLogSize < 1) {
            throw new IllegalArgumentException("the Raft log size must be positive");
        }
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(commitTimeout, "commitTimeout");
        Objects.requireNonNull(failureTimeout, "failureTimeout");
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        if (!members.containsKey(nodeId)) {
            throw new IllegalArgumentException("this node's id '" + nodeId + "' is not in the member list " + members.keySet());
        }
        if (secret != null && secret.length() < 16) {
            throw new IllegalArgumentException("the cluster secret must have at least 16 characters");
        }
    }

    /** This member's own address: where the others reach it. */
    public InetSocketAddress ownAddress() {
        return members.get(nodeId);
    }

    /** Where this member listens: {@link #bindAddress} if given, else its own address. */
    public InetSocketAddress listenAddress() {
        return bindAddress != null ? bindAddress : ownAddress();
    }

    /**
     * Parses a listening address {@code host:port} (the host may be 0.0.0.0).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InetSocketAddress bindAddress(String hostPort) {
        return address("(listening)", hostPort);
    }

    /** The key of the process-wide member registry: one member per cluster and node id. */
    String registryKey() {
        return clusterName + "/" + nodeId;
    }

    /**
     * Parses {@code A=127.0.0.1:7801,B=127.0.0.1:7802}.
     *
     * @throws IllegalArgumentException naming the offending element: empty list, missing '=', empty or duplicate
     *                                  id, missing or unparsable port, port out of range
     */
    public static Map<String, InetSocketAddress> members(String spec) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("the member list is empty");
        }
        for (String item : spec.split(",")) {
            String element = item.strip();
            int eq = element.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("member '" + element + "' is not id=host:port");
            }
            String id = element.substring(0, eq).strip();
            if (!id.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException("member id '" + id + "' must be 1 to 64 letters, digits, '_', '.' or '-'");
            }
            if (out.containsKey(id)) {
                throw new IllegalArgumentException("member id '" + id + "' appears twice");
            }
            out.put(id, address(id, element.substring(eq + 1).strip()));
        }
        return out;
    }

    private static InetSocketAddress address(String id, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("member " + id + ": address '" + hostPort + "' is not host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member " + id + ": port '" + hostPort.substring(colon + 1) + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("member " + id + ": port " + port + " is out of range 1-65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("member " + id + ": host '" + host + "' does not resolve");
        }
        return a;
    }
}
