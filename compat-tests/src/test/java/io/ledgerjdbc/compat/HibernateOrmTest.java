package io.ledgerjdbc.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.ledgerjdbc.compat.orm.Author;
import io.ledgerjdbc.compat.orm.Book;
import io.ledgerjdbc.compat.orm.Tag;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Operation;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.Backend;
import jakarta.persistence.OptimisticLockException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StaleStateException;
import org.hibernate.Transaction;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hibernate ORM 7 over HikariCP over the ledger driver, as an application would run it: schema created by
 * {@code hbm2ddl.auto=create}, IDENTITY and SEQUENCE keys, relations, batching, optimistic locking, cascades,
 * JPQL bulk statements and a native query. Afterwards the ledger verifies clean, replays to the same tables,
 * and one entity row's life can be read from it.
 */
class HibernateOrmTest {

    static SessionFactory sessionFactory(HikariDataSource ds) {
        return sessionFactory(ds, false);
    }

    /**
     * {@code sqlite}: Book's SEQUENCE key becomes an IDENTITY (orm/sqlite-identity.xml), as SQLite applications map
     * it. SQLite has no sequences, and the table Hibernate emulates one with is updated on a second connection while
     * the application's transaction holds SQLite's only write lock: SQLITE_BUSY, through the raw driver as through
     * the ledger (measured). hbm2ddl then runs a create script (orm/sqlite-schema.sql): Hibernate's SQLite dialect
     * writes an IDENTITY mapped in XML without a type, which SQLite never generates.
     */
    static SessionFactory sessionFactory(HikariDataSource ds, boolean sqlite) {
        Configuration cfg = new Configuration()
                .addAnnotatedClass(Author.class)
                .addAnnotatedClass(Book.class)
                .addAnnotatedClass(Tag.class)
                .setProperty(AvailableSettings.HBM2DDL_AUTO, "create")
                .setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "20")
                .setProperty(AvailableSettings.ORDER_INSERTS, "true")
                .setProperty(AvailableSettings.ORDER_UPDATES, "true");
        if (sqlite) {
            cfg.addResource("orm/sqlite-identity.xml");
            cfg.getProperties().put(AvailableSettings.JAKARTA_HBM2DDL_CREATE_SOURCE, "script");
            cfg.getProperties().put(AvailableSettings.JAKARTA_HBM2DDL_CREATE_SCRIPT_SOURCE, new java.io.InputStreamReader(
                    HibernateOrmTest.class.getResourceAsStream("/orm/sqlite-schema.sql"), java.nio.charset.StandardCharsets.UTF_8));
        }
        cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, ds);
        return cfg.buildSessionFactory();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Backend.class, names = {"H2_FILE", "POSTGRESQL", "SQLITE", "MARIADB"})
    void aJpaApplicationRunsUnchangedAndItsLedgerVerifies(Backend backend) throws Exception {
        try (Fixture f = new Fixture(backend);
             HikariDataSource ds = HikariPoolTest.pool(f, HikariPoolTest.Form.DATA_SOURCE_CLASS, false);
             SessionFactory sf = sessionFactory(ds, backend == Backend.SQLITE)) {
            Dialect dialect = sf.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
            assertThat(dialect.getClass().getSimpleName()).as("dialect detected through the wrapper's metadata")
                    .isEqualTo(switch (backend) {
                        case POSTGRESQL -> "PostgreSQLDialect";
                        case MARIADB -> "MariaDBDialect";
                        case SQLITE -> "SQLiteDialect";
                        default -> "H2Dialect";
                    });
            assertThat(ddlTexts(f.entries())).as("hbm2ddl's schema is recorded")
                    .anyMatch(sql -> sql.startsWith("create table author"))
                    .anyMatch(sql -> sql.startsWith("create table book_tag"))
                    .anyMatch(sql -> backend == Backend.SQLITE ? sql.startsWith("create table book (id integer,") // IDENTITY key
                            : sql.startsWith("create sequence book_seq"));

            sf.inTransaction(s -> {
                s.persist(new Tag("fic", "Fiction"));
                s.persist(new Tag("sci", "Science"));
                s.persist(new Tag("his", "History"));
            });
            AtomicLong firstAuthor = new AtomicLong();
            AtomicLong secondAuthor = new AtomicLong();
            sf.inTransaction(s -> {
                Tag fic = s.find(Tag.class, "fic");
                Tag sci = s.find(Tag.class, "sci");
                for (int a = 0; a < 4; a++) {
                    Author author = new Author("author " + a);
                    for (int b = 0; b < 30; b++) { // 120 books: batched inserts of the SEQUENCE entity
                        Book book = author.write("book " + a + "-" + b, 10 + b);
                        book.tags.add(b % 2 == 0 ? fic : sci);
                    }
                    s.persist(author); // IDENTITY: inserted at once, so its id is known here
                    if (a == 0) firstAuthor.set(author.id);
                    if (a == 1) secondAuthor.set(author.id);
                }
            });
            assertThat(firstAuthor.get()).isPositive();

            int entriesBeforeStale = f.entries().size();
            try (Session s1 = sf.openSession(); Session s2 = sf.openSession()) {
                Transaction t1 = s1.beginTransaction();
                Transaction t2 = s2.beginTransaction();
                Author fresh = s1.find(Author.class, firstAuthor.get());
                Author stale = s2.find(Author.class, firstAuthor.get());
                if (backend == Backend.SQLITE) {
                    // SQLite: an open reader keeps a writer from committing (rollback journal), raw as through the
                    // ledger; the stale session reads in one transaction and writes in the next
                    t2.commit();
                }
                fresh.name = "renamed";
                t1.commit();
                if (backend == Backend.SQLITE) {
                    t2 = s2.beginTransaction();
                }
                stale.name = "lost update";
                assertThatThrownBy(t2::commit).as("the stale update fails as Hibernate expects")
                        .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof OptimisticLockException
                                || c instanceof StaleStateException));
            }
            assertThat(f.entries()).as("only the winning update is recorded").hasSize(entriesBeforeStale + 1);

            sf.inTransaction(s -> s.remove(s.find(Author.class, secondAuthor.get()))); // cascades to its 30 books
            sf.inTransaction(s -> {
                int raised = s.createMutationQuery("update Book b set b.price = b.price + 1 where b.price < :p")
                        .setParameter("p", 15).executeUpdate();
                assertThat(raised).isEqualTo(15); // prices 10..14, for each of the 3 remaining authors
                int gone = s.createMutationQuery("delete from Book b where b.title like :t").setParameter("t", "book 3-%")
                        .executeUpdate();
                assertThat(gone).isEqualTo(30);
                int shouted = s.createNativeMutationQuery("UPDATE Book SET title = UPPER(title) WHERE price > 35").executeUpdate();
                assertThat(shouted).isEqualTo(8);
                Number books = (Number) s.createNativeQuery("SELECT COUNT(*) FROM Book", Object.class).getSingleResult();
                assertThat(books.longValue()).isEqualTo(60);
            });
            sf.inTransaction(s -> {
                Author first = s.find(Author.class, firstAuthor.get());
                assertThat(first.name).isEqualTo("renamed");
                assertThat(first.version).isEqualTo(1);
                s.remove(first);
            });

            assertThat(f.verify()).as("the ledger verifies clean").isEmpty();
            for (List<?> table : f.replayAndCompare(tables(backend))) {
                assertThat(table.get(2)).as("replayed " + table.get(0)).isEqualTo(table.get(1));
            }
            assertThat(lifeOf(f.entries(), "author", firstAuthor.get()))
                    .as("the first author's row: created, renamed, deleted with its books")
                    .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        }
    }

    /** The tables as each database names them: H2 folds to upper case, PostgreSQL to lower, MariaDB keeps Hibernate's. */
    static String[] tables(Backend backend) {
        String[] names = {"Author", "Book", "Tag", "Book_Tag"};
        for (int i = 0; i < names.length; i++) {
            names[i] = switch (backend) {
                case H2_FILE -> names[i].toUpperCase(Locale.ROOT);
                case MARIADB -> names[i];
                default -> names[i].toLowerCase(Locale.ROOT);
            };
        }
        return names;
    }

    static List<String> ddlTexts(List<LedgerEntry> entries) {
        List<String> out = new ArrayList<>();
        for (LedgerEntry e : entries) {
            for (Change c : e.changes()) {
                if (c instanceof DdlChange d) out.add(d.sql().strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
            }
        }
        return out;
    }

    /** What the ledger says happened to one row, in order (what {@code history} shows). */
    static List<Operation> lifeOf(List<LedgerEntry> entries, String table, long id) {
        List<Operation> ops = new ArrayList<>();
        for (LedgerEntry e : entries) {
            for (Change c : e.changes()) {
                if (c instanceof RowChange rc && rc.table().toLowerCase(Locale.ROOT).endsWith(table)
                        && rc.key().value(0).toString().equals(Long.toString(id))) {
                    ops.add(rc.op());
                }
            }
        }
        return ops;
    }

    static List<Throwable> causes(Throwable e) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable t = e; t != null && !out.contains(t); t = t.getCause()) out.add(t);
        return out;
    }

    static long count(Connection c, String sql) throws Exception {
        return HikariPoolTest.count(c, sql);
    }
}
