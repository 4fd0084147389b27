package io.ledgerjdbc.replication;

import java.security.MessageDigest;

/**
 * What a member does with its database when it learns which log it applies, from the log's genesis or a snapshot
 * of it: the identity of the log, and the ledger position the log's commands start from (size S, chain hash H).
 *
 * <ul>
 *   <li>{@link Kind#FOLLOW}: the database's stored ordinal counts in this very log, so the commands at or below it
 *       are already in the database (a restart, a member that lost its log directory, a copy of a member of this
 *       log, a backup of it);</li>
 *   <li>{@link Kind#ADOPT}: the ordinal counts elsewhere, or nowhere, but the ledger is exactly the one the log
 *       starts from: it is this log's state at its start (the copies a new cluster was seeded from);</li>
 *   <li>{@link Kind#CATCH_UP}: the ledger is shorter: the entries up to S are installed from a peer, and the chain
 *       hash at S then proves the database held a prefix of this history;</li>
 *   <li>{@link Kind#REFUSE}: the database belongs to another cluster, or holds history the log does not (longer
 *       than S, or different at S): nothing can be applied to it without losing or doubling a commit.</li>
 * </ul>
 * Only a database with a stored position skips commands, and only in its own log; never by a number alone.
 *
 * @param reason for {@link Kind#REFUSE}: the one error the member reports, naming the repair
 */
record Adoption(Kind kind, String reason) {

    enum Kind { FOLLOW, ADOPT, CATCH_UP, REFUSE }

    static final String REPAIR = "Give this member a copy of a running member's database (or an empty database, which"
            + " catches up from its peers) and start it again; see docs/operations.md, \"Seeding a member from a copy of a"
            + " database\".";

    static Adoption decide(Replica.AppliedPosition stored, LogIdentity log, long size, byte[] chainHash,
                           Replica.LedgerPosition ledger) {
        if (stored.log() != null && !stored.log().clusterId().equals(log.clusterId())) {
            return refuse("this database belongs to another cluster (cluster id " + stored.log().clusterId()
                    + "), not to the cluster of this Raft log (cluster id " + log.clusterId() + ").");
        }
        if (log.equals(stored.log())) {
            return new Adoption(Kind.FOLLOW, null);
        }
        if (ledger.size() < size) {
            return new Adoption(Kind.CATCH_UP, null);
        }
        if (ledger.size() > size) {
            return refuse("this database holds " + ledger.size() + " ledger entries, but the cluster's Raft log (log "
                    + log.logId() + ") starts from a ledger of " + size + ": the database holds history the log does not"
                    + (stored.log() == null ? "." : ", and the position it stored (command " + stored.ordinal() + " of log "
                    + stored.log().logId() + ") counts in another log."));
        }
        if (!MessageDigest.isEqual(ledger.chainHash(), chainHash)) {
            return refuse(differs(size));
        }
        return new Adoption(Kind.ADOPT, null);
    }

    static String differs(long size) {
        return "this database's ledger differs from the one the cluster's Raft log starts from, at or before entry " + size + ".";
    }

    static Adoption refuse(String why) {
        return new Adoption(Kind.REFUSE, why + " " + REPAIR);
    }
}
