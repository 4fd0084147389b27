package io.ledgerjdbc.bench;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What must hold after a round: TPC-C's consistency conditions 1-4 (clause 3.3.2) and the row counts the terminals'
 * commits imply. Read on a raw connection after the terminals closed theirs.
 */
final class TpccChecks {

    private TpccChecks() {
    }

    /** Problems found (empty: all hold). */
    static List<String> check(Connection c, TpccLoader.Scale scale, TpccTerminal.Counts done) throws SQLException {
        List<String> problems = new ArrayList<>();
        // 1: W_YTD = sum(D_YTD)
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT w_id, w_ytd, (SELECT SUM(d_ytd) FROM district WHERE d_w_id = w_id) FROM warehouse")) {
            while (rs.next()) {
                BigDecimal w = rs.getBigDecimal(2);
                BigDecimal d = rs.getBigDecimal(3);
                if (w.subtract(d).abs().compareTo(new BigDecimal("0.01")) > 0) {
                    problems.add("condition 1: warehouse " + rs.getInt(1) + " w_ytd " + w + " <> sum(d_ytd) " + d);
                }
            }
        }
        // 2: D_NEXT_O_ID - 1 = max(O_ID) = max(NO_O_ID); 3: max(NO_O_ID) - min(NO_O_ID) + 1 = count(new_order);
        // 4: sum(O_OL_CNT) = count(order_line)
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT d_w_id, d_id, d_next_o_id, "
                     + "(SELECT MAX(o_id) FROM orders WHERE o_w_id = d_w_id AND o_d_id = d_id), "
                     + "(SELECT MAX(no_o_id) FROM new_order WHERE no_w_id = d_w_id AND no_d_id = d_id), "
                     + "(SELECT MIN(no_o_id) FROM new_order WHERE no_w_id = d_w_id AND no_d_id = d_id), "
                     + "(SELECT COUNT(*) FROM new_order WHERE no_w_id = d_w_id AND no_d_id = d_id), "
                     + "(SELECT SUM(o_ol_cnt) FROM orders WHERE o_w_id = d_w_id AND o_d_id = d_id), "
                     + "(SELECT COUNT(*) FROM order_line WHERE ol_w_id = d_w_id AND ol_d_id = d_id) "
                     + "FROM district ORDER BY d_w_id, d_id")) {
            while (rs.next()) {
                String at = "district " + rs.getInt(1) + "/" + rs.getInt(2) + ": ";
                long next = rs.getLong(3);
                long maxO = rs.getLong(4);
                long maxNo = rs.getLong(5);
                boolean anyNew = !rs.wasNull();
                long minNo = rs.getLong(6);
                long countNo = rs.getLong(7);
                long lineSum = rs.getLong(8);
                long lines = rs.getLong(9);
                if (next - 1 != maxO || (anyNew && maxNo != maxO)) {
                    problems.add("condition 2: " + at + "d_next_o_id - 1 = " + (next - 1) + ", max(o_id) = " + maxO
                            + ", max(no_o_id) = " + (anyNew ? maxNo : "none"));
                }
                if (anyNew && maxNo - minNo + 1 != countNo) {
                    problems.add("condition 3: " + at + "max(no_o_id) - min(no_o_id) + 1 = " + (maxNo - minNo + 1)
                            + " but new_order has " + countNo + " rows");
                }
                if (lineSum != lines) {
                    problems.add("condition 4: " + at + "sum(o_ol_cnt) = " + lineSum + " but order_line has " + lines + " rows");
                }
            }
        }
        // Counts the commits imply.
        long districts = (long) scale.warehouses() * TpccLoader.DISTRICTS;
        long newOrders = done.commits[TpccTerminal.Kind.NEW_ORDER.ordinal()];
        long payments = done.commits[TpccTerminal.Kind.PAYMENT.ordinal()];
        long undelivered = scale.customers() - scale.firstUndelivered() + 1;
        expectCount(c, problems, "orders", districts * scale.customers() + newOrders, "loaded + committed new-orders");
        expectCount(c, problems, "history", districts * scale.customers() + payments, "loaded + committed payments");
        expectCount(c, problems, "new_order", districts * undelivered + newOrders - done.delivered,
                "loaded + committed new-orders - delivered");
        return problems;
    }

    private static void expectCount(Connection c, List<String> problems, String table, long expected, String why) throws SQLException {
        long n = count(c, "SELECT COUNT(*) FROM " + table);
        if (n != expected) {
            problems.add(table + " has " + n + " rows, expected " + expected + " (" + why + ")");
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
