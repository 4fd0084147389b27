package io.ledgerjdbc.driver.backend;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * MariaDB: makes capture's locking read of an UPDATE's or DELETE's rows lock the rows its subqueries read too.
 *
 * <p>Why: InnoDB's {@code SELECT … FOR UPDATE} locks the rows of the outer query only (measured on 10.11 at READ
 * COMMITTED and REPEATABLE READ): with {@code WHERE id IN (SELECT id FROM u WHERE f = 1)}, another transaction can
 * then change {@code u} so that a row capture read leaves the WHERE's rows and another enters; the UPDATE, a current
 * read, changes the other row, and the update count still matches. With {@code FOR UPDATE} inside each subquery the
 * rows the WHERE depends on stay as read until the transaction ends, so every row read still matches when the
 * UPDATE runs, and a count above the rows read is the only difference left (40001). Residual: a {@code NOT IN}/
 * {@code NOT EXISTS} subquery at READ COMMITTED depends on rows being absent, which no lock keeps absent there (no
 * gap locks); a subquery with UNION locks its last part only.
 *
 * <p>Determinism: a pure text rewrite; quotes and comments are skipped, parameter markers keep their order.
 */
final class MariaDbSubqueryLocks {

    private static final String LOCK = " FOR UPDATE";

    private MariaDbSubqueryLocks() {
    }

    /** {@code where} with {@code FOR UPDATE} before the closing parenthesis of each {@code (SELECT …)} in it. */
    public static String lockSubqueries(String where) {
        List<Integer> at = new ArrayList<>();
        Deque<int[]> open = new ArrayDeque<>(); // {position after '(', 1 if a subquery}
        int n = where.length();
        for (int i = 0; i < n; i++) {
            char c = where.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                i = skipQuoted(where, i, c);
            } else if (c == '#' || (c == '-' && i + 1 < n && where.charAt(i + 1) == '-')) {
                while (i < n && where.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && where.charAt(i + 1) == '*') {
                int end = where.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
            } else if (c == '(') {
                open.push(new int[] {i + 1, startsWithSelect(where, i + 1) ? 1 : 0});
            } else if (c == ')' && !open.isEmpty()) {
                int[] o = open.pop();
                if (o[1] == 1 && !locked(where.substring(o[0], i))) {
                    at.add(i);
                }
            }
        }
        if (at.isEmpty()) {
            return where;
        }
        StringBuilder out = new StringBuilder(where.length() + at.size() * LOCK.length());
        int from = 0;
        for (int i : at.stream().sorted().toList()) {
            out.append(where, from, i).append(LOCK);
            from = i;
        }
        return out.append(where.substring(from)).toString();
    }

    private static int skipQuoted(String s, int i, char quote) {
        for (int j = i + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\' && quote != '`') {
                j++;
            } else if (c == quote) {
                if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
                    j++; // a doubled quote
                } else {
                    return j;
                }
            }
        }
        return s.length();
    }

    private static boolean startsWithSelect(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return s.regionMatches(true, i, "SELECT", 0, 6) && (i + 6 >= s.length() || !Character.isLetterOrDigit(s.charAt(i + 6))
                && s.charAt(i + 6) != '_');
    }

    private static boolean locked(String subquery) {
        String u = subquery.strip().toUpperCase(Locale.ROOT);
        return u.endsWith("FOR UPDATE") || u.endsWith("SHARE MODE") || u.endsWith("NOWAIT") || u.endsWith("SKIP LOCKED")
                || u.matches("(?s).*\\bWAIT\\s+\\d+$");
    }
}
