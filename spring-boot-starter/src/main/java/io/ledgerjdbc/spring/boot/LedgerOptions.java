package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.LedgerDriver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The driver's {@code ledger.*} options as a Boot application gives them, beside the DataSource's other settings
 * (as HikariCP's sit under {@code spring.datasource.hikari.*}): {@code spring.datasource.ledger.node=A} is the
 * driver's {@code ledger.node}. Keys match the driver's options ignoring case, {@code -} and {@code _}, so
 * {@code spring.datasource.ledger.read-consistency} (Boot's kebab case), {@code …ledger.readConsistency} (the
 * driver's spelling) and {@code SPRING_DATASOURCE_LEDGER_READCONSISTENCY} (an environment variable) all name
 * {@code ledger.readConsistency}.
 *
 * <p>Not a top-level {@code ledger.*}: "ledger" is a common word in the applications that want one, and their own
 * {@code ledger.*} settings would reach the driver, which refuses keys it does not know. A key under the prefix
 * that names no option fails the application's start, naming it; values are checked by the driver when the pool
 * opens its first connection (SQLState HY024, naming the key).
 */
final class LedgerOptions {

    static final String PREFIX = "spring.datasource.ledger";
    private static final String DRIVER_PREFIX = "ledger.";

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
            String driverKey = canonical.get(folded(DRIVER_PREFIX + key));
            if (driverKey == null && !canonical.isEmpty()) {
                TreeSet<String> known = new TreeSet<>();
                canonical.values().forEach(k -> known.add(PREFIX + "." + k.substring(DRIVER_PREFIX.length())));
                throw new IllegalStateException(PREFIX + "." + key + " is not a LedgerJDBC option; the options are " + known);
            }
            options.put(driverKey == null ? DRIVER_PREFIX + key : driverKey, value);
        });
        return options;
    }

    /** The driver's own option keys (from {@link LedgerDriver#getPropertyInfo}), by their folded form. */
    private static Map<String, String> canonicalKeys(String ledgerUrl) {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            for (DriverPropertyInfo info : new LedgerDriver().getPropertyInfo(ledgerUrl, new Properties())) {
                if (info.name.startsWith(DRIVER_PREFIX)) {
                    keys.put(folded(info.name), info.name);
                }
            }
        } catch (SQLException e) {
            // No driver for the database behind the URL: the keys go through as given, and the connection fails anyway.
        }
        return keys;
    }

    /** {@code ledger.digest.every-entries}, {@code ledger.digest.everyEntries} → {@code ledger.digest.everyentries}. */
    static String folded(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
