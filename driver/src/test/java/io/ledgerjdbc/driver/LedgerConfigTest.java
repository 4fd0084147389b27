package io.ledgerjdbc.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LedgerConfigTest {

    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    @Test
    void defaultsApplyWhenNothingIsSet() throws SQLException {
        LedgerConfig c = LedgerConfig.from(new Properties(), new Properties());
        assertThat(c.node()).isEqualTo("local");
        assertThat(c.createLedger()).isTrue();
    }

    @Test
    void connectionPropertiesBeatTheFileWhichBeatsSystemProperties() throws Exception {
        Path file = dir.resolve("ledger.properties");
        Files.writeString(file, "ledger.node=from-file\nledger.create=false\n");
        Properties system = props("ledger.node", "from-system", "ledger.create", "true");
        assertThat(LedgerConfig.from(props("ledger.config", file.toString()), system).node()).isEqualTo("from-file");
        assertThat(LedgerConfig.from(props("ledger.config", file.toString()), system).createLedger()).isFalse();
        assertThat(LedgerConfig.from(props("ledger.config", file.toString(), "ledger.node", "mine"), system).node()).isEqualTo("mine");
        assertThat(LedgerConfig.from(new Properties(), system).node()).isEqualTo("from-system");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ledger.nodes, a",
        "ledger.node, 'has space'",
        "ledger.node, ''",
        "ledger.create, yes",
        "ledger.config, /no/such/file.properties",
        "ledger.raftLogSize, 0",
        "ledger.raftLogSize, 64MB",
        "ledger.raftLogSize, -1",
    })
    void everyBadValueIsAnErrorNamingTheKey(String key, String value) {
        assertThatThrownBy(() -> LedgerConfig.from(props(key, value), new Properties()))
                .isInstanceOf(SQLException.class).hasMessageContaining(key);
    }

    @Test
    void raftLogSizesTakeBinaryUnits() {
        assertThat(LedgerConfig.parseSize("4096")).isEqualTo(4096);
        assertThat(LedgerConfig.parseSize("4KiB")).isEqualTo(4096);
        assertThat(LedgerConfig.parseSize("64MiB")).isEqualTo(64L << 20);
        assertThat(LedgerConfig.parseSize("2GiB")).isEqualTo(2L << 30);
    }

    @Test
    void aBadSystemPropertyIsNotIgnoredEither() {
        assertThatThrownBy(() -> LedgerConfig.from(new Properties(), props("ledger.colour", "blue")))
                .isInstanceOf(SQLException.class).hasMessageContaining("ledger.colour").hasMessageContaining("system property");
    }

    @Test
    void theRealDriverNeverSeesLedgerOptions() {
        Properties real = LedgerConfig.realDriverProperties(props("user", "sa", "ledger.node", "n1", "password", "x"));
        assertThat(real.stringPropertyNames()).containsExactlyInAnyOrder("user", "password");
    }
}
