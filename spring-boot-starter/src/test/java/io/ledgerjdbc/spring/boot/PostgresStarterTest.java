package io.ledgerjdbc.spring.boot;

import io.ledgerjdbc.driver.database.Sealer;
import java.sql.Connection;
import java.sql.SQLException;
import io.ledgerjdbc.ledger.store.Backend;
import io.ledgerjdbc.spring.boot.app.LedgerApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter with the real PostgreSQL server, in a schema of its own ({@code currentSchema=lt_…} in the URL).
 * With CI=true an unreachable server fails the test; elsewhere it is skipped.
 */
@SpringBootTest(classes = LedgerApp.class, properties = {StarterContract.PROPERTIES_NODE, StarterContract.PROPERTIES_SEQUENCES,
        StarterContract.PROPERTIES_HEALTH, StarterContract.PROPERTIES_CAPTURE_LOG})
class PostgresStarterTest extends StarterContract {

    static Backend.Db db;

    @BeforeAll
    static void schema() throws Exception {
        db = Backend.POSTGRESQL.open();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:ledger:" + db.url.substring("jdbc:".length()));
        registry.add("spring.datasource.username", () -> Backend.PG_USER);
    }

    @Override
    void sealPending() throws SQLException {
        try (Connection c = db.connect()) {
            Sealer.sealAll(c);
        }
    }

    @Override
    String nextValueQuery(String sequence) {
        return "SELECT nextval('" + sequence + "')";
    }
}
