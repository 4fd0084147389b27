package io.ledgerjdbc.driver;

/** The one place that knows the URL form: {@code jdbc:ledger:<rest>} wraps {@code jdbc:<rest>}. */
public final class LedgerUrls {

    public static final String PREFIX = "jdbc:ledger:";

    private LedgerUrls() {
    }

    public static boolean isLedgerUrl(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * The real driver's URL. The prefix is stripped exactly once, so {@code jdbc:ledger:ledger:x} is not
     * quietly unwrapped twice; a URL that is already raw is returned as it is.
     */
    public static String rawUrl(String url) {
        return isLedgerUrl(url) ? "jdbc:" + url.substring(PREFIX.length()) : url;
    }

    /**
     * The URL for capture's own read-only connections to the same database (committed-state reads): H2's
     * {@code INIT=} script is left out, since it runs again on every connection and may write.
     */
    public static String sideUrl(String raw) {
        if (!raw.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            int end = settingEnd(raw, i + 1);
            String part = raw.substring(i, end);
            boolean init = i > 0 && part.regionMatches(true, 0, ";INIT=", 0, 6);
            if (!init) out.append(part);
            i = end;
        }
        return out.toString();
    }

    /** Where the {@code ;KEY=value} part after {@code from} ends: the next {@code ;} not escaped by a backslash. */
    private static int settingEnd(String url, int from) {
        for (int i = from; i < url.length(); i++) {
            char ch = url.charAt(i);
            if (ch == '\\') i++;
            else if (ch == ';') return i;
        }
        return url.length();
    }
}
