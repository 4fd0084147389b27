package io.ledgerjdbc.examples.jdbi;

import io.ledgerjdbc.driver.LedgerDataSource;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * A JDBI 3 DAO on an embedded SQLite file through {@link LedgerDataSource}: named parameters, a batch, and
 * generated keys, written exactly as against the plain driver.
 * Run: {@code mvn -q -pl examples -am compile exec:java -Dexec.mainClass=io.ledgerjdbc.examples.jdbi.JdbiApp}
 */
public final class JdbiApp {

    private JdbiApp() {
    }

    public record Note(long id, String author, String body) {
    }

    public static void main(String[] args) {
        String file = args.length > 0 ? args[0] : "examples/target/notes.db";
        List<Note> notes = run("jdbc:ledger:sqlite:" + file);
        notes.forEach(System.out::println);
        System.out.println("Now verify the ledger: java -jar driver/target/ledgerjdbc.jar verify jdbc:sqlite:" + file);
    }

    public static List<Note> run(String ledgerUrl) {
        LedgerDataSource ds = new LedgerDataSource();
        ds.setUrl(ledgerUrl);
        Jdbi jdbi = Jdbi.create(ds);
        jdbi.useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, author TEXT NOT NULL, body TEXT)"));
        long id = jdbi.withHandle(h -> h.createUpdate("INSERT INTO note (author, body) VALUES (:author, :body)")
                .bind("author", "ada").bind("body", "first note")
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO note (author, body) VALUES (:author, :body)");
            for (String author : List.of("grace", "edsger")) batch.bind("author", author).bind("body", "hello from " + author).add();
            batch.execute();
        });
        jdbi.useHandle(h -> h.createUpdate("UPDATE note SET body = :body WHERE id = :id").bind("body", "edited").bind("id", id).execute());
        return jdbi.withHandle(h -> h.createQuery("SELECT id, author, body FROM note ORDER BY id")
                .map((rs, ctx) -> new Note(rs.getLong("id"), rs.getString("author"), rs.getString("body"))).list());
    }
}
