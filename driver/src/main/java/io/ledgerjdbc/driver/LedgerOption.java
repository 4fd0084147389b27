package io.ledgerjdbc.driver;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every {@code ledger.*} option the driver understands: its key, default, and what a valid value is. The
 * README's option table lists exactly these. An unknown {@code ledger.*} key is an error, never ignored:
 * a typo must not silently turn a setting off.
 */
public enum LedgerOption {
    CONFIG("ledger.config", "", "Path of a properties file with more ledger.* options (lower precedence than connection properties)."),
    NODE("ledger.node", "local", "This node's id, recorded as the origin of every entry it writes (letters, digits, '.', '_', '-'; at most 64)."),
    CREATE("ledger.create", "true", "Create the ledger tables on first connect if they are missing (true/false). With false, a database without a ledger is refused."),
    MEMBERS("ledger.members", "", "The cluster's members as id=host:port,... (e.g. A=127.0.0.1:7801,B=127.0.0.1:7802,C=127.0.0.1:7803), ledger.node among them. Empty: standalone, no replication."),
    BIND("ledger.bind", "", "Where this member listens (host:port) when the others reach it at another address, its ledger.members entry (NAT, port forwarding, a proxy). Empty: it listens on its ledger.members address."),
    CLUSTER("ledger.cluster", "ledger", "The cluster's name; members of differently named clusters never talk (letters, digits, '.', '_', '-')."),
    DATA_DIR("ledger.dataDir", "ledger-raft", "Directory of this member's Raft log (created if missing)."),
    COMMIT_TIMEOUT("ledger.commitTimeout", "10s", "How long a commit waits to be ordered by a majority and applied locally before it fails with SQLState 08007 (e.g. 500ms, 10s, 1m)."),
    FAILURE_TIMEOUT("ledger.failureTimeout", "1s", "How long a silent member takes to be suspected; a killed process is noticed at once (e.g. 1s)."),
    SECRET("ledger.secret", "", "Shared cluster secret (at least 16 characters): members encrypt all cluster traffic with a key derived from it, so a process without it can neither join nor inject entries. Empty: no encryption."),
    RAFT_FSYNC("ledger.raftFsync", "true", "fsync the Raft log before an entry counts as appended (true: an acknowledged commit survives a power loss of a majority; false: only the loss of a minority)."),
    RAFT_LOG_SIZE("ledger.raftLogSize", "64MiB", "How much the Raft log may grow (bytes, or with KiB, MiB, GiB) before it is compacted behind a snapshot. A member too far behind for the log then gets the missing ledger entries streamed from a peer."),
    NODE_KEY("ledger.nodeKey", "", "PEM file of this node's Ed25519 private key (java -jar ledgerjdbc.jar keygen): it signs every transaction this node originates in a cluster."),
    MEMBER_KEYS("ledger.memberKeys", "", "Directory holding <id>.pub.pem for every member: a write-set whose origin signature does not verify is rejected on every node (SQLState 28000). Must be the same on every member."),
    READ_CONSISTENCY("ledger.readConsistency", "local", "local: reads see this node's database, possibly behind the leader; linearizable: each read first waits until this node has applied everything committed before it."),
    DIGEST_KEY("ledger.digest.key", "", "Path of an Ed25519 private key (PKCS#8 PEM, as keygen writes it): sign a digest of the ledger automatically after commits."),
    DIGEST_EVERY_ENTRIES("ledger.digest.everyEntries", "1000", "With ledger.digest.key: sign when the ledger has grown by this many entries since the last digest by that key (0 = never by count)."),
    DIGEST_EVERY_SECONDS("ledger.digest.everySeconds", "0", "With ledger.digest.key: sign at the first commit this many seconds after the last digest (0 = never by time)."),
    DIGEST_OUT("ledger.digest.out", "", "With ledger.digest.key: also append each digest to this JSON Lines file (keep it outside the database)."),
    SEQUENCE_READS("ledger.sequenceReads", "allow", "Whether a query that only takes sequence values (SELECT nextval('s'), SELECT NEXT VALUE FOR s) runs (allow) or is refused with 0A000 (refuse). Sequence state is not table data and is not recorded; the values reach the ledger with the rows that use them."),
    SEAL("ledger.seal", "async", "PostgreSQL and MariaDB: how a commit's entry gets its place in the ledger. async: the commit writes a pending entry and returns once committed, and the process's sealer chains it within milliseconds; wait: it returns once a sealer has chained it (the ledger shows it at once; a sealer cycle per commit at one thread); off: the version-1 protocol (a head lock per commit), for version-1 ledgers only.");

    public final String key;
    public final String defaultValue;
    public final String description;

    LedgerOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public static Optional<LedgerOption> ofKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }

    /** Whether a property key belongs to the driver rather than to the real database driver. */
    public static boolean isLedgerKey(String key) {
        return key.toLowerCase(Locale.ROOT).startsWith("ledger.");
    }
}
