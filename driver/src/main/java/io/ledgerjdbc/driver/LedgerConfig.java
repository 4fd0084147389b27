package io.ledgerjdbc.driver;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * The validated {@code ledger.*} options of one connection. Sources, highest precedence first: the connection
 * Properties, the file named by {@code ledger.config}, then {@code -Dledger.*} system properties, then
 * defaults. Every value is checked when the connection opens; a bad one is an SQLException naming the key.
 */
public final class LedgerConfig {

    private final Map<LedgerOption, String> values;

    private LedgerConfig(Map<LedgerOption, String> values) {
        this.values = values;
    }

    public static LedgerConfig defaults() {
        try {
            return from(new Properties(), new Properties());
        } catch (SQLException e) {
            throw new IllegalStateException("defaults must be valid", e);
        }
    }

    /** Reads the options from connection properties and the system properties. */
    public static LedgerConfig from(Properties connection) throws SQLException {
        return from(connection, System.getProperties());
    }

    static LedgerConfig from(Properties connection, Properties system) throws SQLException {
        Map<LedgerOption, String> values = new EnumMap<>(LedgerOption.class);
        collect(system, values, "system property");
        String file = connection.getProperty(LedgerOption.CONFIG.key, values.getOrDefault(LedgerOption.CONFIG, ""));
        if (!file.isEmpty()) {
            collect(load(file), values, "file " + file);
        }
        collect(connection, values, "connection property");
        for (LedgerOption o : LedgerOption.values()) {
            values.putIfAbsent(o, o.defaultValue);
            validate(o, values.get(o));
        }
        return new LedgerConfig(values);
    }

    private static void collect(Properties props, Map<LedgerOption, String> into, String source) throws SQLException {
        for (String key : props.stringPropertyNames()) {
            if (!LedgerOption.isLedgerKey(key)) {
                continue;
            }
            LedgerOption o = LedgerOption.ofKey(key).orElseThrow(() -> new SQLException(
                    "unknown option " + key + " (" + source + "); known: " + knownKeys(), "HY024"));
            into.put(o, props.getProperty(key).strip());
        }
    }

    private static Properties load(String file) throws SQLException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | RuntimeException e) {
            throw new SQLException("ledger.config: cannot read " + file + ": " + e.getMessage(), "HY024", e);
        }
        if (p.containsKey(LedgerOption.CONFIG.key)) {
            throw new SQLException("ledger.config: " + file + " must not itself set ledger.config", "HY024");
        }
        return p;
    }

    private static void validate(LedgerOption o, String value) throws SQLException {
        switch (o) {
            case NODE -> {
                if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw bad(o, value, "1 to 64 letters, digits, '.', '_' or '-'");
                }
            }
            case CREATE -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw bad(o, value, "true or false");
                }
            }
            case SEQUENCE_READS -> {
                if (!value.equals("allow") && !value.equals("refuse")) {
                    throw bad(o, value, "allow or refuse");
                }
            }
            case CONFIG -> { }
        }
    }

    private static SQLException bad(LedgerOption o, String value, String expected) {
        return new SQLException("invalid value '" + value + "' for " + o.key + ": expected " + expected, "HY024");
    }

    private static String knownKeys() {
        StringBuilder sb = new StringBuilder();
        for (LedgerOption o : LedgerOption.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(o.key);
        }
        return sb.toString();
    }

    /** The connection properties with every {@code ledger.*} key removed: what the real driver gets. */
    public static Properties realDriverProperties(Properties connection) {
        Properties p = new Properties();
        for (String key : connection.stringPropertyNames()) {
            if (!LedgerOption.isLedgerKey(key)) {
                p.setProperty(key, connection.getProperty(key));
            }
        }
        return p;
    }

    public String get(LedgerOption o) {
        return values.get(o);
    }

    public String node() {
        return values.get(LedgerOption.NODE);
    }

    public boolean createLedger() {
        return Boolean.parseBoolean(values.get(LedgerOption.CREATE));
    }

    /** {@code ledger.sequenceReads=allow}: queries that only take sequence values run unrecorded. */
    public boolean allowSequenceReads() {
        return "allow".equals(values.get(LedgerOption.SEQUENCE_READS));
    }
}
