package io.ledgerjdbc.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

    @Test
    void aMemberListKeepsItsOrderAndAddresses() {
        Map<String, InetSocketAddress> m = ClusterConfig.members(" A=127.0.0.1:7801, B=127.0.0.1:7802 ,C=[::1]:7803");
        assertEquals(List.of("A", "B", "C"), List.copyOf(m.keySet()));
        assertEquals(7802, m.get("B").getPort());
        assertTrue(m.get("C").getAddress().isLoopbackAddress());
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "''                              | the member list is empty",
            "A                               | member 'A' is not id=host:port",
            "=127.0.0.1:1                    | is not id=host:port",
            "A=127.0.0.1:1,A=127.0.0.1:2     | member id 'A' appears twice",
            "A=127.0.0.1                     | address '127.0.0.1' is not host:port",
            "A=127.0.0.1:http                | port 'http' is not a number",
            "A=127.0.0.1:0                   | port 0 is out of range",
            "A=127.0.0.1:65536               | port 65536 is out of range",
            "A b=127.0.0.1:1                 | must be 1 to 64 letters",
    })
    void aBadMemberListIsRefusedNamingTheElement(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.members(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void theOwnIdMustBeAMemberAndTheSecretLongEnough() {
        Map<String, InetSocketAddress> m = ClusterConfig.members("A=127.0.0.1:7801");
        IllegalArgumentException notMember = assertThrows(IllegalArgumentException.class, () -> new ClusterConfig("B", m, "c",
                Path.of("d"), Duration.ofSeconds(1), Duration.ofSeconds(1), null, false));
        assertTrue(notMember.getMessage().contains("'B' is not in the member list"));
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class, () -> new ClusterConfig("A", m, "c",
                Path.of("d"), Duration.ofSeconds(1), Duration.ofSeconds(1), "short", false));
        assertTrue(secret.getMessage().contains("16"));
    }
}
