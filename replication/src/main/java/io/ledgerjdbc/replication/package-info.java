/**
 * Raft replication of ledger write-sets between drivers, on jgroups-raft. One {@link io.ledgerjdbc.replication.ClusterMember}
 * per process and node id orders write-sets through the Raft log; every member hands each committed write-set, in
 * log order, to its {@link io.ledgerjdbc.replication.Replica} (the driver's applier), which certifies it against
 * the local database and applies it. Depends only on {@code io.ledgerjdbc.ledger}.
 */
package io.ledgerjdbc.replication;
