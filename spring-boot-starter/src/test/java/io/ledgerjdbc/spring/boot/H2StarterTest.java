package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.spring.boot.app.LedgerApp;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter with an embedded H2 file database: {@code spring.datasource.url=jdbc:ledger:h2:<file>}. */
@SpringBootTest(classes = LedgerApp.class, properties = {StarterContract.PROPERTIES_NODE, StarterContract.PROPERTIES_SEQUENCES,
        StarterContract.PROPERTIES_HEALTH, StarterContract.PROPERTIES_CAPTURE_LOG, "spring.datasource.username=sa"})
// Closed after the class, before JUnit deletes the temporary directory: the cached context would keep the H2
// database open (and writing its files) until the JVM exits.
@org.springframework.test.annotation.DirtiesContext
class H2StarterTest extends StarterContract {

    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:ledger:h2:" + dir.resolve("app").toAbsolutePath());
    }

    @Override
    String nextValueQuery(String sequence) {
        return "SELECT NEXT VALUE FOR " + sequence;
    }
}
