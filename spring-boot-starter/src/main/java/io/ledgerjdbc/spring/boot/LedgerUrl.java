package io.ledgerjdbc.spring.boot;

import java.util.Locale;

/** The {@code jdbc:ledger:} URL form, as the starter needs it (the driver's own parsing is internal to it). */
final class LedgerUrl {

    static final String PREFIX = "jdbc:ledger:";

    private LedgerUrl() {
    }

    static boolean isLedgerUrl(String url) {
        return url != null && url.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** The real database's URL, {@code jdbc:<rest>}: the key under which the driver keeps that database's state. */
    static String rawUrl(String ledgerUrl) {
        return "jdbc:" + ledgerUrl.substring(PREFIX.length());
    }

    /** The URL without its parameters ({@code ?…}, {@code ;…}), which may hold credentials: for tags and details. */
    static String withoutParameters(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0) cut = Math.min(cut, i);
        }
        return url.substring(0, cut);
    }
}
