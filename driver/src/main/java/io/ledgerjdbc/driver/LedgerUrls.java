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
}
