package io.ledgerjdbc.examples.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's final check, run after the three nodes stopped (it opens their databases directly, read-only in
 * effect): every write a node acknowledged ({@code DIR/acked-<id>.log}) is a row in every node's database, and,
 * with {@code --ledgers}, the three ledgers are byte-identical entry by entry. Exit 0 when both hold, 1 when not.
 *
 * <pre>
 * java -cp driver/target/ledgerjdbc.jar:examples/target/classes io.ledgerjdbc.examples.cluster.ClusterDemoCheck DIR [--ledgers]
 * </pre>
 */
public final class ClusterDemoCheck {

    private static final List<String> NODES = List.of("A", "B", "C");

    private ClusterDemoCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ClusterDemoCheck DIR [--ledgers]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        boolean ok = acknowledgedWritesEverywhere(dir);
        if (Arrays.asList(args).contains("--ledgers")) {
            ok &= ledgersIdentical(dir);
        }
        System.exit(ok ? 0 : 1);
    }

    private static boolean acknowledgedWritesEverywhere(Path dir) throws IOException, SQLException {
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        for (String node : NODES) {
            Set<String> ids = new HashSet<>();
            try (Connection c = DriverManager.getConnection(ClusterNode.rawUrl(dir, node)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM " + ClusterNode.TABLE)) {
                while (rs.next()) ids.add(rs.getString(1));
            }
            rows.put(node, ids);
        }
        int acked = 0;
        List<String> missing = new ArrayList<>();
        StringBuilder perNode = new StringBuilder();
        for (String node : NODES) {
            Path log = dir.resolve("acked-" + node + ".log");
            List<String> ids = Files.exists(log) ? Files.readAllLines(log) : List.of();
            perNode.append(perNode.length() == 0 ? "" : ", ").append(node).append(' ').append(ids.size());
            for (String id : ids) {
                acked++;
                rows.forEach((holder, held) -> {
                    if (!held.contains(id)) missing.add(id + " (acknowledged by " + node + ") is missing on " + holder);
                });
            }
        }
        System.out.printf("acknowledged writes: %d (%s); rows on A, B, C: %d, %d, %d%n", acked, perNode,
                rows.get("A").size(), rows.get("B").size(), rows.get("C").size());
        if (missing.isEmpty()) {
            System.out.println("every acknowledged write is on all three nodes");
            return true;
        }
        System.out.println(missing.size() + " acknowledged writes missing, first: " + missing.subList(0, Math.min(5, missing.size())));
        return false;
    }

    /** Until {@code diff} is in the jar: the three ledger_entry tables, entry bytes and chain hashes, in seq order. */
    private static boolean ledgersIdentical(Path dir) throws SQLException {
        Map<String, List<String>> ledgers = new LinkedHashMap<>();
        for (String node : NODES) {
            List<String> entries = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(ClusterNode.rawUrl(dir, node)); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT seq, entry, chain_hash FROM ledger_entry ORDER BY seq")) {
                while (rs.next()) {
                    entries.add(rs.getLong(1) + ":" + HexFormat.of().formatHex(rs.getBytes(2)) + ":" + HexFormat.of().formatHex(rs.getBytes(3)));
                }
            }
            ledgers.put(node, entries);
        }
        List<String> a = ledgers.get("A");
        for (String node : NODES) {
            List<String> other = ledgers.get(node);
            for (int i = 0; i < Math.max(a.size(), other.size()); i++) {
                if (i >= a.size() || i >= other.size() || !a.get(i).equals(other.get(i))) {
                    System.out.printf("ledgers differ: A has %d entries, %s has %d; first difference at seq %d%n",
                            a.size(), node, other.size(), i + 1);
                    return false;
                }
            }
        }
        String head = a.isEmpty() ? "-" : a.get(a.size() - 1).substring(a.get(a.size() - 1).lastIndexOf(':') + 1, a.get(a.size() - 1).lastIndexOf(':') + 17);
        System.out.printf("ledgers identical on A, B and C: %d entries, chain hash of the last %s…%n", a.size(), head);
        return true;
    }
}
