package io.ledgerjdbc.replication;

/**
 * A membership change an operator asked a running member for through its database ({@code cluster add/remove}):
 * the member takes it, orders it through the Raft log ({@link ClusterMember#addMember}, {@link ClusterMember#removeMember})
 * and answers through the database.
 *
 * @param requestId the operator's id for the request, repeated in the answer
 * @param add       true to add {@code member}, false to remove it
 * @param member    the member id
 */
public record MembershipRequest(String requestId, boolean add, String member) {}
