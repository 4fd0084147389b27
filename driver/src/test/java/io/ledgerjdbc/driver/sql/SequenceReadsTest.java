package io.ledgerjdbc.driver.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SequenceReadsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SELECT nextval('s')                            | true",
            "select next value for s                        | true",
            "SELECT nextval('s') FROM generate_series(1, 5) | true",
            "SELECT setval('s', 10)                         | false",
            "SELECT nextval('s'), setval('s', 5)            | false",
            "SELECT nextval('s') INTO x                     | false",
            "SELECT 1                                       | false",
            "DELETE FROM t                                  | false",
    })
    void onlyQueriesThatJustTakeSequenceValuesAreSequenceReads(String sql, boolean sequenceRead) {
        assertThat(SequenceReads.isSequenceRead(new SqlAnalyzer(SqlDialect.POSTGRESQL).analyze(sql))).isEqualTo(sequenceRead);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CALL SCHEMA()                | READ",
            "call database_path()         | READ",
            "CALL NEXT VALUE FOR s        | NEXT VALUE FOR",
            "CALL setval('s', 1)          | setval()",
    })
    void h2CallEvaluatesAnExpressionLikeSelect(String sql, String expected) {
        Analysis a = new SqlAnalyzer(SqlDialect.H2).analyze(sql);
        assertThat(a instanceof Analysis.Refused r ? r.construct() : "READ").isEqualTo(expected);
    }
}
