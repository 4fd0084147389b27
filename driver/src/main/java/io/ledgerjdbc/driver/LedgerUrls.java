package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.backend.Backend;

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
     * What is wrong with the form of a URL a user gave, as a hint that says what to write instead; null when the
     * form is fine (whether a driver takes it is another matter). Catches a bare file name, {@code jdbc:ledger:}
     * with nothing after it and {@code jdbc:ledger:jdbc:…}.
     */
    public static String hint(String url) {
        if (url == null || url.isBlank()) {
            return "no URL given: write jdbc:ledger:sqlite:app.db, jdbc:ledger:h2:./app, jdbc:ledger:postgresql://host:5432/db "
                    + "or jdbc:ledger:mariadb://host:3306/db (or the same without ledger:)";
        }
        if (isLedgerUrl(url)) {
            String rest = url.substring(PREFIX.length());
            if (rest.isBlank()) {
                return url + " names no database: the database's own URL follows without its jdbc:, e.g. jdbc:ledger:sqlite:app.db, "
                        + "jdbc:ledger:h2:./app, jdbc:ledger:postgresql://host:5432/db, jdbc:ledger:mariadb://host:3306/db";
            }
            if (rest.regionMatches(true, 0, "jdbc:", 0, 5)) {
                return "write " + PREFIX + rest.substring(5) + ", not " + url + ": jdbc:ledger: takes the place of the URL's jdbc:, "
                        + "it does not go in front of it";
            }
            return null;
        }
        if (!url.regionMatches(true, 0, "jdbc:", 0, 5)) {
            String h2 = url.endsWith(".mv.db") ? url.substring(0, url.length() - ".mv.db".length()) : null;
            return "'" + url + "' is not a JDBC URL (those start with jdbc:): for " + (h2 != null
                    ? "this H2 database write jdbc:h2:" + (h2.contains("/") ? h2 : "./" + h2)
                    : "an SQLite file write jdbc:sqlite:" + url)
                    + " (through the ledger driver: jdbc:ledger:" + (h2 != null ? "h2:" : "sqlite:") + "…)";
        }
        return null;
    }

    /**
     * The URL for capture's own read-only connections to the same database (committed-state reads): the backend
     * leaves out what would run again on every connection and may write (H2's {@code INIT=} script).
     */
    public static String sideUrl(String raw) {
        return Backend.forUrl(raw).map(b -> b.sideUrl(raw)).orElse(raw);
    }
}
