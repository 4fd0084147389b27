package io.ledgerjdbc.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The text rewrite that makes capture's locking read on MariaDB lock its subqueries' rows too. */
class MariaDbSubqueryLocksTest {

    @Test
    void everySubqueryGetsALockingClauseBeforeItsClosingParenthesis() {
        assertThat(MariaDbSubqueryLocks.lockSubqueries("id IN (SELECT id FROM t WHERE g = ?)"))
                .isEqualTo("id IN (SELECT id FROM t WHERE g = ? FOR UPDATE)");
        assertThat(MariaDbSubqueryLocks.lockSubqueries("id IN (select id FROM u WHERE f IN (SELECT f FROM v)) AND EXISTS (SELECT 1 FROM w)"))
                .isEqualTo("id IN (select id FROM u WHERE f IN (SELECT f FROM v FOR UPDATE) FOR UPDATE) AND EXISTS (SELECT 1 FROM w FOR UPDATE)");
        assertThat(MariaDbSubqueryLocks.lockSubqueries("id IN ((SELECT id FROM u))")).isEqualTo("id IN ((SELECT id FROM u FOR UPDATE))");
    }

    @Test
    void parenthesesThatAreNoSubqueryQuotesAndCommentsAreLeftAlone() {
        String plain = "(a = ? OR b IN (1, 2)) AND c = '(SELECT x)' AND `(select` = 1 /* (SELECT 1) */ AND d = \"it''s (SELECT\"";
        assertThat(MariaDbSubqueryLocks.lockSubqueries(plain)).isEqualTo(plain);
        assertThat(MariaDbSubqueryLocks.lockSubqueries("x = (selection)")).isEqualTo("x = (selection)");
    }

    @Test
    void aSubqueryThatAlreadyLocksIsNotLockedTwice() {
        String locked = "id IN (SELECT id FROM u LOCK IN SHARE MODE) AND id IN (SELECT id FROM v FOR UPDATE)";
        assertThat(MariaDbSubqueryLocks.lockSubqueries(locked)).isEqualTo(locked);
    }
}
