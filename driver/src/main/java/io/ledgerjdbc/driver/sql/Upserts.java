package io.ledgerjdbc.driver.sql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an upsert Calcite cannot parse into the plain {@code INSERT … VALUES} it starts with, so the analyzer
 * can check it and name its rows; capture then records the upsert by the primary-key values it names (see
 * {@code RowCapture#upsert} in capture). Forms: {@code INSERT … ON CONFLICT …} (PostgreSQL, SQLite),
 * {@code INSERT … ON DUPLICATE KEY UPDATE …}, {@code INSERT IGNORE}, {@code REPLACE INTO} (MariaDB, SQLite),
 * {@code INSERT OR REPLACE|IGNORE} (SQLite), {@code MERGE INTO t (…) [KEY (…)] VALUES …} (H2). The core keeps
 * every {@code ?} of the VALUES rows at the same index; parameters of the tail come after them.
 */
final class Upserts {

    private static final Pattern TAIL = Pattern.compile("(?i)\\bON\\s+(CONFLICT|DUPLICATE\\s+KEY\\s+UPDATE)\\b");
    private static final Pattern HEAD = Pattern.compile(
            "(?is)^(\\s*)(INSERT\\s+OR\\s+(?:REPLACE|IGNORE)\\s+INTO|INSERT\\s+IGNORE\\s+INTO|INSERT\\s+IGNORE|REPLACE\\s+INTO|MERGE\\s+INTO)\\b");
    private static final Pattern MERGE_KEY = Pattern.compile("(?is)\\)\\s*KEY\\s*\\([^)]*\\)\\s*VALUES\\b");

    private Upserts() {
    }

    /** Whether a refusal is one of the upsert forms this class can try. */
    static boolean isUpsert(Analysis.Refused r) {
        String c = r.construct();
        return c.equals(Refusals.ON_CONFLICT) || c.equals(Refusals.ON_DUPLICATE_KEY) || c.equals(Refusals.REPLACE_INTO)
                || c.equals(Refusals.INSERT_IGNORE) || c.equals(Refusals.MERGE) || c.equals("INSERT OR REPLACE")
                || c.equals("INSERT OR IGNORE");
    }

    /**
     * The plain INSERT at the start of {@code sql}, analysed, or null when there is none. Each candidate cut is
     * checked by the analyzer: a cut inside a string literal is unterminated and fails, so only the real
     * clause boundary can succeed.
     */
    static Analysis.Insert core(String sql, SqlAnalyzer analyzer) {
        String head = rewriteHead(sql);
        Matcher m = TAIL.matcher(head);
        while (m.find()) {
            Analysis.Insert ins = insert(head.substring(0, m.start()), analyzer);
            if (ins != null) {
                return ins;
            }
        }
        return head.equals(sql) ? null : insert(head, analyzer);
    }

    private static String rewriteHead(String sql) {
        Matcher m = HEAD.matcher(sql);
        if (!m.find()) {
            return sql;
        }
        String rest = sql.substring(m.end());
        if (m.group(2).toUpperCase(Locale.ROOT).startsWith("MERGE")) {
            rest = MERGE_KEY.matcher(rest).replaceFirst(") VALUES");
        }
        return m.group(1) + "INSERT INTO" + rest;
    }

    private static Analysis.Insert insert(String candidate, SqlAnalyzer analyzer) {
        return analyzer.analyze(candidate) instanceof Analysis.Insert ins ? ins : null;
    }
}
