package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.ledger.store.LedgerMeta;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerjdbc.replication.ClusterStatus;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A member's status as the JSON object kept in {@code ledger_meta} under {@link #META_KEY}. */
public final class StatusJson {

    public static final String META_KEY = "cluster_status";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {
    }

    static String write(ClusterStatus s, long atMillis) {
        ObjectNode o = JSON.createObjectNode();
        o.put("node", s.nodeId());
        o.put("role", s.role());
        o.put("leader", s.leader());
        o.put("term", s.term());
        o.put("commitIndex", s.commitIndex());
        o.put("applied", s.applied());
        o.put("ledgerSize", s.ledgerSize());
        o.putPOJO("view", s.view());
        o.put("diverged", s.diverged());
        o.putPOJO("members", s.members());
        o.put("at", atMillis);
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status a member last wrote into this database ({@code ledger_meta}), or null. */
    public static JsonNode readFrom(java.sql.Connection c) throws java.sql.SQLException {
        String json = LedgerMeta.get(c, META_KEY);
        return json == null ? null : read(json);
    }

    /** @throws IllegalArgumentException when the stored text is not a status object */
    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed cluster status: " + e.getMessage(), e);
        }
    }
}
