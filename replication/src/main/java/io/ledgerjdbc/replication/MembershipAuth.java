package io.ledgerjdbc.replication;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.AuthHeader;
import org.jgroups.protocols.pbcast.GMS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JGroups' AUTH with {@link MembershipToken}: a join or merge between processes whose member lists (or databases'
 * cluster ids) differ is refused on the side that receives it, with the reason in the refusal, so the joiner's
 * {@code connect} fails naming it (JGroups throws it as a SecurityException) and both sides log it. A merge
 * refusal carries no reason, but the refused side checks the other's token in the answer and logs the same.
 *
 * <p>This is the first of two guards (the second: {@link LedgerRaft} and {@link MemberElection} ignore Raft
 * messages from non-members). A JGroups check alone would not do once members are added and removed through the
 * log, and the Raft check alone would let disagreeing processes share a view, where the library's election counts
 * view members.
 */
final class MembershipAuth extends AUTH {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipAuth.class);
    private static final long COMPLAINT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final MembershipToken token;
    private final Consumer<String> refusals;
    private final Map<String, Long> complaints = new ConcurrentHashMap<>();

    MembershipAuth(MembershipToken token, Consumer<String> refusals) {
        // Headers carry the protocol id, which JGroups looks up by class: speak exactly as AUTH does on the wire.
        id = ClassConfigurator.getProtocolId(AUTH.class);
        this.token = token;
        this.refusals = refusals;
        setAuthToken(token);
        token.setAuth(this);
    }

    @Override
    protected boolean handleAuthHeader(GMS.GmsHeader gmsHeader, AuthHeader authHeader, Message msg) {
        if (!needsAuthentication(msg, gmsHeader)) {
            return true;
        }
        String why = token.mismatch(authHeader.getToken());
        if (why == null) {
            return true;
        }
        complain(msg.src(), why);
        sendRejectionMessage(gmsHeader.getType(), msg.src(), "member " + token.nodeId() + " refused to share a view with "
                + msg.src() + ": " + why);
        return false;
    }

    private void complain(Address from, String why) {
        long now = System.nanoTime();
        Long last = complaints.get(why);
        if (last == null || now - last > COMPLAINT_NANOS) {
            complaints.put(why, now);
            String message = "member " + token.nodeId() + " refuses " + from + ": " + why;
            LOG.error(message);
            refusals.accept(message);
        }
    }
}
