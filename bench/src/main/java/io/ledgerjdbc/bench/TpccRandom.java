package io.ledgerjdbc.bench;

import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * The TPC-C specification's random inputs (clause 2.1.6 and 4.3.2) from a seeded generator, so a raw and a ledger
 * round draw the same sequence: uniform integers, NURand, the syllable last names, random strings, money.
 */
final class TpccRandom {

    private static final String[] SYLLABLES = {"BAR", "OUGHT", "ABLE", "PRI", "PRES", "ESE", "ANTI", "CALLY", "ATION", "EING"};
    private static final char[] ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    /** Run-time constants C of NURand (clause 2.1.6): fixed, so every round draws alike. */
    static final int C_LAST_LOAD = 157;
    static final int C_LAST_RUN = 223;
    static final int C_ID = 259;
    static final int C_ITEM = 7911;

    private final SplittableRandom rnd;

    TpccRandom(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** Uniform in [lo, hi]. */
    int between(int lo, int hi) {
        return rnd.nextInt(lo, hi + 1);
    }

    /** NURand(A, x, y) = (((random(0, A) | random(x, y)) + C) % (y - x + 1)) + x. */
    int nuRand(int a, int c, int x, int y) {
        return (((between(0, a) | between(x, y)) + c) % (y - x + 1)) + x;
    }

    /** A customer id of the run: NURand(1023, 1, customers). */
    int customerId(int customers) {
        return nuRand(1023, C_ID, 1, customers);
    }

    /** An item id of the run: NURand(8191, 1, items). */
    int itemId(int items) {
        return nuRand(8191, C_ITEM, 1, items);
    }

    /**
     * A last name to look a customer up by: NURand(255, 0, 999), limited to the names loaded when a district
     * has fewer than 1,000 customers (the loader gives customer c the name of c − 1 up to 1,000).
     */
    String lastNameOfRun(int customers) {
        return lastName(nuRand(255, C_LAST_RUN, 0, Math.min(999, customers - 1)));
    }

    /** Clause 4.3.2.3: the three syllables of the digits of {@code n} (0..999). */
    static String lastName(int n) {
        return SYLLABLES[n / 100] + SYLLABLES[(n / 10) % 10] + SYLLABLES[n % 10];
    }

    /** A random alphanumeric string of length in [min, max]. */
    String aString(int min, int max) {
        int n = between(min, max);
        char[] s = new char[n];
        for (int i = 0; i < n; i++) s[i] = ALPHA[rnd.nextInt(ALPHA.length)];
        return new String(s);
    }

    /** A string of digits of exactly {@code n} characters. */
    String nString(int n) {
        char[] s = new char[n];
        for (int i = 0; i < n; i++) s[i] = (char) ('0' + rnd.nextInt(10));
        return new String(s);
    }

    /** i_data / s_data: 26..50 characters, 10 % of them containing "ORIGINAL" (clause 4.3.3.1). */
    String dataWithOriginal() {
        String s = aString(26, 50);
        if (between(1, 10) == 1) {
            int at = between(0, s.length() - 8);
            s = s.substring(0, at) + "ORIGINAL" + s.substring(at + 8);
        }
        return s;
    }

    /** A zip code: 4 random digits and "11111". */
    String zip() {
        return nString(4) + "11111";
    }

    /** Money in [lo, hi] cents as a DECIMAL with 2 places. */
    BigDecimal cents(int lo, int hi) {
        return BigDecimal.valueOf(between(lo, hi), 2);
    }

    /** A fraction in [lo, hi] ten-thousandths as a DECIMAL with 4 places (taxes, discounts). */
    BigDecimal fraction(int lo, int hi) {
        return BigDecimal.valueOf(between(lo, hi), 4);
    }
}
