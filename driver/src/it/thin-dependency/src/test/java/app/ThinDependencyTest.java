package app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThinDependencyTest {

    @TempDir
    Path dir;

    private static long writeAndCount(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(20))");
            s.executeUpdate("INSERT INTO accounts VALUES (1, 'ada')");
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE accounts SET owner = 'grace' WHERE id = 1");
            s.executeUpdate("INSERT INTO accounts VALUES (2, 'alan')");
            c.commit();
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void theDriverWorksOnSqliteAndH2AsAPlainDependency() throws Exception {
        assertEquals(3, writeAndCount("jdbc:ledger:sqlite:" + dir.resolve("app.db")));
        assertEquals(3, writeAndCount("jdbc:ledger:h2:" + dir.resolve("app")));
    }

    @Test
    void onlyTheBackendsTheApplicationChoseAreOnItsClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.postgresql.Driver"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.mariadb.jdbc.Driver"));
    }

    @Test
    void theDriversLibrariesAreOrdinaryDependenciesWithoutWhatItDoesNotUse() {
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString()).toList();
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("jackson-databind-")), jars::toString);
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("calcite-core-")), jars::toString);
        for (String unused : List.of("janino-", "commons-compiler-", "protobuf-java-", "httpclient5-", "snakeyaml-", "commons-lang3-",
                "json-path-", "sketches-core-", "commons-dbcp2-", "jts-core-", "bcpkix-", "ledgerjdbc-test-support-")) {
            assertTrue(jars.stream().noneMatch(j -> j.startsWith(unused)), () -> unused + " on " + jars);
        }
    }
}
