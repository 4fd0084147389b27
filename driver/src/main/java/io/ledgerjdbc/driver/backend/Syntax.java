package io.ledgerjdbc.driver.backend;

/**
 * The SQL text features that differ between the databases (and their JDBC drivers), as the lexer and the
 * analyzer need to know them. Each backend lists the ones its database has ({@link Backend#has}).
 */
public enum Syntax {
    /** {@code \x} escapes inside '…' and "…" strings (MariaDB). */
    BACKSLASH_STRINGS,
    /** {@code # …} line comments (MariaDB). */
    HASH_COMMENTS,
    /** {@code // …} line comments (H2). */
    DOUBLE_SLASH_COMMENTS,
    /** {@code --} starts a comment only before whitespace: {@code 1--1} is arithmetic (MariaDB). */
    DASH_COMMENT_NEEDS_SPACE,
    /** {@code /*! … *}{@code /} comments whose body the server executes (MariaDB). */
    EXECUTABLE_COMMENTS,
    /** Block comments nest (PostgreSQL, H2). */
    NESTED_COMMENTS,
    /** An unterminated block comment runs to the end of the text, legally (SQLite). */
    OPEN_COMMENT_RUNS_TO_END,
    /** "…" is a string literal, not an identifier (MariaDB). */
    DOUBLE_QUOTED_STRINGS,
    /** `…` quotes an identifier (MariaDB, SQLite). */
    BACKTICK_IDENTIFIERS,
    /** [ … ] quotes an identifier (SQLite). */
    BRACKET_IDENTIFIERS,
    /** {@code @v} and {@code @@v} are user and system variables (MariaDB). */
    USER_VARIABLES,
    /** {@code :a @a $a} are named parameters (SQLite). */
    SIGIL_PARAMS,
    /** {@code $1} is a positional parameter (PostgreSQL). */
    DOLLAR_NUMBER_PARAMS,
    /** {@code ?NNN} is a numbered parameter (H2, SQLite). */
    NUMBERED_PARAMS,
    /** {@code ??}, {@code ?|}, {@code ?&} are operators (PostgreSQL through pgjdbc). */
    QUESTION_OPERATORS,
    /** {@code $$…$$} strings (H2). */
    DOUBLE_DOLLAR_QUOTES,
    /** {@code $tag$…$tag$} strings (PostgreSQL). */
    TAGGED_DOLLAR_QUOTES,
    /** {@code E'…'} strings with backslash escapes (PostgreSQL). */
    ESCAPE_STRINGS,
    /** {@code U&'…'} and {@code U&"…"} (PostgreSQL, H2). */
    UNICODE_LITERALS,
    /** {@code CALL expr} evaluates an expression like SELECT (H2). */
    CALL_IS_EXPRESSION,
    /** Standard {@code MERGE … USING}, which capture follows (H2, PostgreSQL). */
    MERGE_USING,
    /** {@code INSERT … VALUE (…)} as a synonym of VALUES (MariaDB). */
    VALUE_KEYWORD,
    /** {@code CREATE TABLE t (columns) AS SELECT …} (H2). */
    CREATE_TABLE_COLUMNS_AS_SELECT
}
