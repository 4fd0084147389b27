package io.ledgerjdbc.compat.slt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one sqllogictest script twice side by side: through the ledger driver and through the raw driver, each
 * on its own fresh database, record by record. A statement the ledger driver refuses (0A000, before it runs)
 * is skipped on the raw side too and counted by construct, so both databases stay in the same state; every
 * other outcome (ok / error SQLState / the formatted query result) must be identical. Query results are also
 * checked against the corpus's own expected values or hashes (they were made with SQLite).
 */
public final class SltTwinRun {

    private static final int MAX_LISTED = 20;

    /** What one run saw. */
    public record Report(String script, int statements, int queries, Map<String, Integer> refused, List<String> mismatches,
                         int unexpectedRaw, int unexpectedLedger, long rawNanos, long ledgerNanos) {
        @Override
        public String toString() {
            return script + ": " + statements + " statements, " + queries + " queries, refused " + refused
                    + ", raw/ledger mismatches " + mismatches.size() + ", results differing from the corpus: raw "
                    + unexpectedRaw + " / ledger " + unexpectedLedger
                    + String.format(java.util.Locale.ROOT, ", wall time raw %.2f s / ledger %.2f s", rawNanos / 1e9, ledgerNanos / 1e9);
        }

        /** The number of records that ran on both sides (statements and queries). */
        public int cases() {
            return statements + queries;
        }
    }

    private SltTwinRun() {
    }

    public static Report run(SltScript script, Connection raw, Connection ledger) {
        int statements = 0;
        int queries = 0;
        int unexpectedRaw = 0;
        int unexpectedLedger = 0;
        Map<String, Integer> refused = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        long rawNanos = 0;
        long ledgerNanos = 0;
        for (SltScript.Record r : script.records()) {
            long t0 = System.nanoTime();
            String viaLedger = outcome(ledger, r);
            long t1 = System.nanoTime();
            String construct = refusal(viaLedger);
            if (construct != null) {
                refused.merge(construct, 1, Integer::sum);
                continue; // not run on either side
            }
            ledgerNanos += t1 - t0;
            String viaRaw = outcome(raw, r);
            rawNanos += System.nanoTime() - t1;
            if (r instanceof SltScript.Query q) {
                queries++;
                if (!matchesCorpus(q, viaRaw)) unexpectedRaw++;
                if (!matchesCorpus(q, viaLedger)) unexpectedLedger++;
            } else {
                statements++;
            }
            if (!viaLedger.equals(viaRaw) && mismatches.size() < MAX_LISTED) {
                mismatches.add(script.name() + ":" + r.line() + " " + r.sql().replace('\n', ' ') + "\n  ledger: " + cut(viaLedger)
                        + "\n  raw:    " + cut(viaRaw));
            }
        }
        return new Report(script.name(), statements, queries, refused, mismatches, unexpectedRaw, unexpectedLedger, rawNanos, ledgerNanos);
    }

    /** "ok", "error SQLSTATE", or a query's formatted values, one per line. */
    static String outcome(Connection c, SltScript.Record r) {
        try (Statement s = c.createStatement()) {
            if (r instanceof SltScript.Query q) {
                try (ResultSet rs = s.executeQuery(q.sql())) {
                    return String.join("\n", values(rs, q));
                }
            }
            s.execute(r.sql());
            return "ok";
        } catch (SQLException e) {
            return (e.getSQLState() != null && e.getSQLState().equals("0A000") && String.valueOf(e.getMessage()).startsWith("LedgerJDBC refuses ")
                    ? "refused " + e.getMessage().substring("LedgerJDBC refuses ".length()).split(":")[0]
                    : "error " + e.getSQLState());
        } catch (RuntimeException e) {
            return "error " + e;
        }
    }

    private static String refusal(String outcome) {
        return outcome.startsWith("refused ") ? outcome.substring("refused ".length()) : null;
    }

    /** The values as sqllogictest formats them (NULL, (empty), integers, reals with 3 decimals), sorted as asked. */
    static List<String> values(ResultSet rs, SltScript.Query q) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 1; i <= n; i++) row[i - 1] = format(rs, i, i <= q.types().length() ? q.types().charAt(i - 1) : 'T');
            rows.add(row);
        }
        if (q.sort().equals("rowsort")) rows.sort(Arrays::compare);
        List<String> out = new ArrayList<>(rows.size() * n);
        for (String[] row : rows) out.addAll(Arrays.asList(row));
        if (q.sort().equals("valuesort")) out.sort(null);
        return out;
    }

    private static String format(ResultSet rs, int i, char type) throws SQLException {
        Object o = rs.getObject(i);
        if (o == null) return "NULL";
        switch (type) {
            case 'I': {
                if (o instanceof Number num) return Long.toString(num instanceof Double || num instanceof Float
                        || num instanceof java.math.BigDecimal ? (long) num.doubleValue() : num.longValue());
                return Long.toString((long) leadingNumber(rs.getString(i)));
            }
            case 'R': {
                double d = o instanceof Number num ? num.doubleValue() : leadingNumber(rs.getString(i));
                return String.format(Locale.ROOT, "%.3f", d);
            }
            default: {
                String s = rs.getString(i);
                if (s.isEmpty()) return "(empty)";
                StringBuilder b = new StringBuilder(s.length());
                for (char ch : s.toCharArray()) b.append(ch < ' ' || ch > '~' ? '@' : ch);
                return b.toString();
            }
        }
    }

    /** Like C's atof: the number a text starts with, else 0. */
    private static double leadingNumber(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?").matcher(s);
        return m.find() ? Double.parseDouble(m.group().strip()) : 0;
    }

    private static boolean matchesCorpus(SltScript.Query q, String outcome) {
        if (outcome.startsWith("error ")) return false;
        List<String> got = outcome.isEmpty() ? List.of() : List.of(outcome.split("\n", -1));
        if (q.hash() == null) return got.equals(q.expected());
        return got.size() == q.valueCount() && md5(got).equals(q.hash());
    }

    private static String md5(List<String> values) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (String v : values) {
                md.update(v.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cut(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}
