package io.ledgerjdbc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LedgerUrlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:ledger:sqlite:app.db | jdbc:sqlite:app.db",
            "jdbc:ledger:ledger:x | jdbc:ledger:x",
            "jdbc:h2:mem:x | jdbc:h2:mem:x",
    })
    void theLedgerPrefixIsStrippedExactlyOnce(String url, String raw) {
        assertEquals(raw, LedgerUrls.rawUrl(url));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:h2:./db;INIT=RUNSCRIPT FROM 'a.sql';MODE=PostgreSQL | jdbc:h2:./db;MODE=PostgreSQL",
            "jdbc:h2:./db;MODE=MySQL;init=CREATE TABLE t(i INT)\\;INSERT INTO t VALUES(1) | jdbc:h2:./db;MODE=MySQL",
            "jdbc:h2:./db;DB_CLOSE_DELAY=-1 | jdbc:h2:./db;DB_CLOSE_DELAY=-1",
            "jdbc:postgresql://h/db?options=-c%20x;INIT=y | jdbc:postgresql://h/db?options=-c%20x;INIT=y",
    })
    void sideConnectionsLeaveOutH2sInitScriptWhichWouldRunAgain(String raw, String side) {
        assertEquals(side, LedgerUrls.sideUrl(raw));
    }
}
