/**
 * Raft replication of ledger entries between drivers (jgroups-raft). Filled by the replication issue;
 * depends only on {@code io.ledgerjdbc.ledger}.
 */
package io.ledgerjdbc.replication;
