package io.ledgerjdbc.driver;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every {@code ledger.*} option the driver understands: its key, default, and what a valid value is. The
 * README's option table lists exactly these. An unknown {@code ledger.*} key is an error, never ignored:
 * a typo must not silently turn a setting off.
 */
public enum LedgerOption {
    CONFIG("ledger.config", "", "Path of a properties file with more ledger.* options (lower precedence than connection properties)."),
    NODE("ledger.node", "local", "This node's id, recorded as the origin of every entry it writes (letters, digits, '.', '_', '-'; at most 64)."),
    CREATE("ledger.create", "true", "Create the ledger tables on first connect if they are missing (true/false). With false, a database without a ledger is refused."),
    SEQUENCE_READS("ledger.sequenceReads", "allow", "Whether a query that only takes sequence values (SELECT nextval('s'), SELECT NEXT VALUE FOR s) runs (allow) or is refused with 0A000 (refuse). Sequence state is not table data and is not recorded; the values reach the ledger with the rows that use them.");

    public final String key;
    public final String defaultValue;
    public final String description;

    LedgerOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public static Optional<LedgerOption> ofKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }

    /** Whether a property key belongs to the driver rather than to the real database driver. */
    public static boolean isLedgerKey(String key) {
        return key.toLowerCase(Locale.ROOT).startsWith("ledger.");
    }
}
