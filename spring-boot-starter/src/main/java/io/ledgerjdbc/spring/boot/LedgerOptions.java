package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.LedgerDriver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The driver's {@code ledger.*} options as the application's properties give them: {@code ledger.node=A},
 * {@code ledger.read-consistency=linearizable} (Boot's kebab case), {@code ledger.readConsistency=…} (the driver's
 * spelling), or {@code LEDGER_READCONSISTENCY} in the environment all name the driver's {@code ledger.readConsistency}.
 * A key the driver does not know is passed on as written, so that the first connection fails naming it (HY024),
 * as the driver does for a misspelt option anywhere else.
 */
final class LedgerOptions {

    static final String PREFIX = "ledger";

    private LedgerOptions() {
    }

    /** The options for a DataSource with {@code ledgerUrl}, keyed as the driver spells them. */
    static Map<String, String> from(Environment environment, String ledgerUrl) {
        Map<String, String> given = Binder.get(environment)
                .bind(PREFIX, Bindable.mapOf(String.class, String.class))
                .orElse(Map.of());
        Map<String, String> canonical = canonicalKeys(ledgerUrl);
        Map<String, String> options = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            String full = PREFIX + "." + key;
            options.put(canonical.getOrDefault(folded(full), full), value);
        });
        return options;
    }

    /** The driver's own option keys (from {@link LedgerDriver#getPropertyInfo}), by their folded form. */
    private static Map<String, String> canonicalKeys(String ledgerUrl) {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            for (DriverPropertyInfo info : new LedgerDriver().getPropertyInfo(ledgerUrl, new Properties())) {
                if (info.name.startsWith(PREFIX + ".")) {
                    keys.put(folded(info.name), info.name);
                }
            }
        } catch (SQLException e) {
            // No driver for the database behind the URL: the connection fails with that message anyway.
        }
        return keys;
    }

    /** {@code ledger.digest.every-entries}, {@code ledger.digest.everyEntries} → {@code ledger.digest.everyentries}. */
    static String folded(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
