package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.Backend;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * JDBI 3 over HikariCP over the ledger driver: a DAO with named parameters, a prepared batch and generated
 * keys, used exactly as against the plain driver. The same DAO runs on the raw twin; both databases must
 * end up identical, and the ledger clean.
 */
class JdbiDaoTest {

    public record Customer(long id, String name, String email) {
    }

    /** The DAO an application would write; nothing in it knows about the ledger. */
    static final class CustomerDao {
        private final Jdbi jdbi;

        CustomerDao(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        void createTable(String idColumn) {
            jdbi.useHandle(h -> h.execute("CREATE TABLE customer (" + idColumn + ", name VARCHAR(100) NOT NULL, email VARCHAR(200))"));
        }

        long add(String name, String email) {
            return jdbi.withHandle(h -> h.createUpdate("INSERT INTO customer (name, email) VALUES (:name, :email)")
                    .bind("name", name).bind("email", email)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        }

        int[] addAll(List<String> names) {
            return jdbi.inTransaction(h -> {
                var batch = h.prepareBatch("INSERT INTO customer (name, email) VALUES (:name, :email)");
                for (String n : names) batch.bind("name", n).bind("email", n + "@example.org").add();
                return batch.execute();
            });
        }

        int renameDomain(String from, String to) {
            return jdbi.withHandle(h -> h.createUpdate("UPDATE customer SET email = REPLACE(email, :from, :to) WHERE email LIKE :pattern")
                    .bind("from", from).bind("to", to).bind("pattern", "%" + from).execute());
        }

        int remove(long id) {
            return jdbi.withHandle(h -> h.createUpdate("DELETE FROM customer WHERE id = :id").bind("id", id).execute());
        }

        List<Customer> all() {
            return jdbi.withHandle(h -> h.createQuery("SELECT id, name, email FROM customer ORDER BY id")
                    .map((rs, ctx) -> new Customer(rs.getLong("id"), rs.getString("name"), rs.getString("email"))).list());
        }
    }

    static String idColumn(Backend b) {
        return switch (b) {
            case SQLITE -> "id INTEGER PRIMARY KEY AUTOINCREMENT";
            case POSTGRESQL -> "id BIGSERIAL PRIMARY KEY";
            default -> "id BIGINT AUTO_INCREMENT PRIMARY KEY";
        };
    }

    static List<Object> workload(CustomerDao dao, Backend backend) {
        dao.createTable(idColumn(backend));
        long ada = dao.add("ada", "ada@old.example");
        long grace = dao.add("grace", "grace@old.example");
        int[] batch = dao.addAll(List.of("edsger", "barbara", "donald"));
        int renamed = dao.renameDomain("old.example", "example.org");
        int removed = dao.remove(grace);
        return List.of(ada, grace, batch.length, renamed, removed, dao.all());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void aJdbiDaoBehavesAsOnTheRawDriverAndItsWritesAreRecorded(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend); HikariDataSource pool = HikariPoolTest.pool(f, HikariPoolTest.Form.DRIVER_CLASS, true)) {
            List<Object> viaLedger = workload(new CustomerDao(Jdbi.create(pool)), backend);
            List<Object> viaRaw = workload(new CustomerDao(Jdbi.create(f::raw)), backend);
            assertThat(viaLedger).isEqualTo(viaRaw);
            assertThat(viaLedger.subList(0, 5)).containsExactly(1L, 2L, 3, 2, 1);

            List<LedgerEntry> entries = f.entries();
            // CREATE, two inserts, the batch as one transaction, the update, the delete
            assertThat(entries).hasSize(6);
            assertThat(entries.get(3).changes()).as("the batch is one entry with its three rows").hasSize(3);
            assertThat(f.verify()).isEmpty();
            for (List<?> table : f.replayAndCompare(backend == Backend.H2_FILE ? "CUSTOMER" : "customer")) {
                assertThat(table.get(2)).isEqualTo(table.get(1));
            }
        }
    }
}
