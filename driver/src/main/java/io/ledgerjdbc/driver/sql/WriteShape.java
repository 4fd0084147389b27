package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.TableRef;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What {@link WriteParser} read from a write's tokens: the target table and the token range of every value,
 * SET expression and WHERE condition. Ranges are token indexes {@code [from, to]}, inclusive. Calcite
 * checks this shape against its own parse tree before any of it is trusted.
 */
final class WriteShape {

    enum Verb { INSERT, UPDATE, DELETE, MERGE }

    final Verb verb;
    TableRef table;
    /** INSERT: the column name tokens, empty when there is no column list. */
    final List<Integer> columns = new ArrayList<>();
    /** INSERT: per row, the [from, to] token range of each value. */
    final List<List<int[]>> rows = new ArrayList<>();
    /** UPDATE: the column name token of each assignment, and the range of its value. */
    final List<Integer> setColumns = new ArrayList<>();
    final List<int[]> setValues = new ArrayList<>();
    /** UPDATE/DELETE: the target table's alias token ({@code UPDATE t [AS] a}), or -1 when there is none. */
    int alias = -1;
    /** DELETE: MariaDB's {@code DELETE a FROM t a} — the token of the first {@code a}, or -1. Calcite gets {@code DELETE FROM t a}. */
    int deleteTarget = -1;
    /** UPDATE/DELETE: the WHERE condition's range, or null. */
    int[] where;
    /** INSERT … query: the query's range (then {@link #rows} is empty). */
    int[] query;
    /** MERGE: the ranges of the target name, its alias (or null), the source, its alias (or null), the ON condition. */
    int[] targetName;
    int[] targetAlias;
    int[] source;
    int[] sourceAlias;
    int[] on;
    /** MERGE: the WHEN clauses in order. */
    final List<Clause> clauses = new ArrayList<>();
    /** Ranges that stand for a whole value where SQL allows DEFAULT (SET items, INSERT values of a MERGE). */
    final List<int[]> wholeValues = new ArrayList<>();

    /** One WHEN clause of a MERGE: ranges like the rest of the shape. */
    static final class Clause {
        boolean matched;
        int[] condition;
        Analysis.MergeAction action;
        final List<Integer> setColumns = new ArrayList<>();
        final List<int[]> setValues = new ArrayList<>();
        final List<Integer> insertColumns = new ArrayList<>();
        final List<int[]> insertValues = new ArrayList<>();
    }
    /** Tokens that are certainly identifiers: quoted in the copy handed to Calcite (see {@link CalciteCheck}). */
    final BitSet identifiers = new BitSet();
    /** INSERT without INTO (MariaDB allows it); the copy for Calcite gets the INTO. */
    boolean intoMissing;
    /** The VALUES (or MariaDB VALUE) token. */
    int valuesToken = -1;

    /** Set when the statement is a named construct capture refuses. */
    Analysis.Refused refusal;
    /** Set when the tokens are not in a form the analyzer supports; says what was expected. */
    String unsupported;

    WriteShape(Verb verb) {
        this.verb = verb;
    }

    boolean ok() {
        return refusal == null && unsupported == null;
    }
}
