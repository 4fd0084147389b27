package io.ledgerjdbc.driver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerjdbc.replication.MembershipRequest;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@code cluster add/remove} through a running member's database: the command leaves a request in
 * {@code ledger_meta} (outside the ledger), the member takes it within about a second, orders the change through
 * the Raft log and leaves its answer beside it. One request at a time per member; the database is the only
 * channel, so the command needs the database's URL and credentials, not a place in the cluster (as {@code status}).
 *
 * <p>Both rows are JSON: the request {@code {"id","op":"add"|"remove","member"}}, the answer
 * {@code {"id","done","message","at"}}.
 */
public final class MembershipRequests {

    public static final String REQUEST_KEY = "cluster_request";
    public static final String ANSWER_KEY = "cluster_answer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MembershipRequests() {
    }

    public static String request(String id, boolean add, String member) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("op", add ? "add" : "remove");
        o.put("member", member);
        return o.toString();
    }

    /** The request in {@code json}; null when it is not one. */
    static MembershipRequest parseRequest(String json) {
        JsonNode o = read(json);
        if (o == null || !o.hasNonNull("id") || !o.hasNonNull("member") || !o.path("op").asText().matches("add|remove")) {
            return null;
        }
        return new MembershipRequest(o.get("id").asText(), o.get("op").asText().equals("add"), o.get("member").asText());
    }

    static String answer(MembershipRequest r, boolean done, String message, long atMillis) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.requestId());
        o.put("done", done);
        o.put("message", message);
        o.put("at", atMillis);
        return o.toString();
    }

    /** The stored JSON document, or null when the text is not one. */
    public static JsonNode read(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes {@code key} if it still holds {@code value}; whether it did (a request is taken once). */
    public static boolean delete(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ledger_meta WHERE meta_key = ? AND meta_value = ?")) {
            ps.setString(1, key);
            ps.setString(2, value);
            return ps.executeUpdate() > 0;
        }
    }
}
