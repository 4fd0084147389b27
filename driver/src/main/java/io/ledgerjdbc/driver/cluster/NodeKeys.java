package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.ledger.digest.KeyFiles;
import io.ledgerjdbc.ledger.digest.OriginSignature;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * This node's signing key and the members' public keys: every transaction is signed by the node that made it,
 * and, when member keys are configured, a write-set whose signature does not match its claimed origin is
 * rejected on every node.
 */
public final class NodeKeys {

    private final Ed25519PrivateKeyParameters own;
    private final Map<String, Ed25519PublicKeyParameters> members;

    private NodeKeys(Ed25519PrivateKeyParameters own, Map<String, Ed25519PublicKeyParameters> members) {
        this.own = own;
        this.members = members;
    }

    /**
     * @param nodeKey    this node's private key file, or empty for none
     * @param memberKeys directory with {@code <id>.pub.pem} per member, or empty to accept unsigned write-sets
     */
    public static NodeKeys load(String nodeKey, String memberKeys, Collection<String> memberIds) throws SQLException {
        Ed25519PrivateKeyParameters own = null;
        if (!nodeKey.isEmpty()) {
            try {
                own = KeyFiles.loadPrivate(Path.of(nodeKey)).privateKey();
            } catch (IOException | RuntimeException e) {
                throw new SQLException("ledger.nodeKey: cannot read " + nodeKey + ": " + e.getMessage(), SqlStates.INVALID_ATTRIBUTE_VALUE, e);
            }
        }
        Map<String, Ed25519PublicKeyParameters> keys = null;
        if (!memberKeys.isEmpty()) {
            keys = new HashMap<>();
            for (String id : memberIds) {
                Path file = Path.of(memberKeys, id + ".pub.pem");
                if (!Files.isReadable(file)) {
                    throw new SQLException("ledger.memberKeys: no public key " + file + " for member " + id, SqlStates.INVALID_ATTRIBUTE_VALUE);
                }
                try {
                    keys.put(id, KeyFiles.loadPublic(file));
                } catch (IOException | RuntimeException e) {
                    throw new SQLException("ledger.memberKeys: cannot read " + file + ": " + e.getMessage(), SqlStates.INVALID_ATTRIBUTE_VALUE, e);
                }
            }
        }
        return new NodeKeys(own, keys);
    }

    /** This node's signature over {@code writeSet}, or an empty array when it has no key. */
    public byte[] sign(LedgerEntry writeSet) {
        return own == null ? new byte[0] : OriginSignature.sign(own, writeSet);
    }

    /** Null when the write-set may be applied; otherwise why not. */
    String refusal(LedgerEntry writeSet, byte[] signature) {
        if (members == null) {
            return null;
        }
        Ed25519PublicKeyParameters key = members.get(writeSet.originNode());
        if (key == null) {
            return "write-set " + writeSet.txId() + " claims origin " + writeSet.originNode() + ", which is not a member";
        }
        if (!OriginSignature.verify(key, writeSet, signature)) {
            return "write-set " + writeSet.txId() + " is not signed by its claimed origin " + writeSet.originNode();
        }
        return null;
    }
}
