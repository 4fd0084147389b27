package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.backend.Syntax;
import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.ledger.store.SqlDialect;

import java.util.Arrays;

/**
 * One SQL string cut into tokens, dialect-aware: quotes, comments and parameter markers are recognised the
 * way the backend (and its JDBC driver) sees them, so that everything downstream — keyword checks, the
 * {@code ?} count, the exact source spans of expressions — can ignore what sits inside quotes or comments.
 *
 * <p>Why a hand-written lexer rather than Calcite's positions: Calcite's {@code SqlParserPos} does not cover
 * whole expressions reliably (measured: {@code x IN (SELECT …)} loses its closing parenthesis and the span of
 * {@code x::text} starts at the preceding {@code =}), and Calcite's lexer does not know E'…', $$…$$,
 * backslash escapes or backticks-vs-double-quotes per backend. Tokens are kept in parallel int arrays: a
 * read is lexed once (then cached), and this must stay in the low microseconds.
 *
 * <p>Whitespace and comments produce no tokens; the exact text between two tokens is still available
 * through {@link #text(int, int)} because spans are offsets into the original string.
 */
final class SqlSource {

    /** An unquoted word: keyword or identifier. */
    static final int WORD = 1;
    /** A quoted identifier: "…", `…`, [ … ] (SQLite), U&"…". */
    static final int QIDENT = 2;
    /** A string literal in any form: '…', E'…', N'…', X'…', B'…', U&'…', $tag$…$tag$, "…" on MariaDB. */
    static final int STRING = 3;
    static final int NUMBER = 4;
    /** A JDBC {@code ?} parameter marker. */
    static final int PARAM = 5;
    /** A named or numbered marker the JDBC index rules do not cover: ?1 (H2, SQLite), :a @a $a (SQLite), $1 (PG). */
    static final int NAMED_PARAM = 6;
    /** A MariaDB user or system variable: @v, @@v. */
    static final int VARIABLE = 7;
    /** Punctuation and operators; single characters except :: and PostgreSQL's ?? ?| ?&. */
    static final int OP = 8;

    private final String sql;
    private final SqlDialect dialect;
    private final Backend backend;
    private int n;
    private int[] type = new int[32];
    private int[] start = new int[32];
    private int[] end = new int[32];
    private int[] depth = new int[32];
    private int[] param = new int[32];
    private int params;
    private int level; // current ( [ { nesting while lexing
    private boolean unterminated;

    private SqlSource(String sql, SqlDialect dialect) {
        this.sql = sql;
        this.dialect = dialect;
        this.backend = Backend.of(dialect);
    }

    static SqlSource lex(String sql, SqlDialect dialect) {
        SqlSource s = new SqlSource(sql, dialect);
        s.run();
        return s;
    }

    String sql() {
        return sql;
    }

    /** Whether this text's database has {@code feature}. */
    boolean has(Syntax feature) {
        return backend.has(feature);
    }

    SqlDialect dialect() {
        return dialect;
    }

    int size() {
        return n;
    }

    int type(int i) {
        return type[i];
    }

    int start(int i) {
        return start[i];
    }

    int end(int i) {
        return end[i];
    }

    /** Parenthesis/bracket nesting outside this token ({@code (} and its {@code )} share the outer depth). */
    int depth(int i) {
        return depth[i];
    }

    /** The 1-based JDBC index of a {@link #PARAM} token, 0 for any other token. */
    int paramIndex(int i) {
        return param[i];
    }

    /** How many {@code ?} markers the whole string holds. */
    int paramTotal() {
        return params;
    }

    /** True when a quote or comment is never closed: nothing after it can be trusted. */
    boolean unterminated() {
        return unterminated;
    }

    /** The exact source text of one token. */
    String text(int i) {
        return sql.substring(start[i], end[i]);
    }

    /** The exact source text from token {@code from} to token {@code toInclusive}, with what lies between. */
    String text(int from, int toInclusive) {
        return sql.substring(start[from], end[toInclusive]);
    }

    /** Whether token {@code i} exists and is the unquoted keyword {@code upper} (given in upper case). */
    boolean is(int i, String upper) {
        return i >= 0 && i < n && type[i] == WORD && end[i] - start[i] == upper.length()
                && sql.regionMatches(true, start[i], upper, 0, upper.length());
    }

    /** Whether token {@code i} exists and is the punctuation/operator {@code op}. */
    boolean isOp(int i, String op) {
        return i >= 0 && i < n && type[i] == OP && end[i] - start[i] == op.length()
                && sql.startsWith(op, start[i]);
    }

    /** Whether token {@code i} can name something: an unquoted word or a quoted identifier. */
    boolean isName(int i) {
        return i >= 0 && i < n && (type[i] == WORD || type[i] == QIDENT);
    }

    /** An identifier token's name without its quotes (quote doubling undone); a word as written. */
    String name(int i) {
        if (type[i] != QIDENT) return text(i);
        int s = start[i], e = end[i];
        if (sql.startsWith("U&", s) || sql.startsWith("u&", s)) s += 2;
        char open = sql.charAt(s);
        char close = open == '[' ? ']' : open;
        String inner = sql.substring(s + 1, e - 1);
        if (open == '[') return inner;
        String twice = String.valueOf(close) + close;
        return inner.replace(twice, String.valueOf(close));
    }

    /**
     * A string literal's value with the dialect's escapes undone. Only used to hand Calcite a standard
     * {@code '…'} literal in place of forms it cannot lex; it does not interpret {@code \n} and friends.
     */
    String stringValue(int i) {
        int s = start[i], e = end[i];
        char c = sql.charAt(s);
        if (c == '$') { // $tag$…$tag$: the tag is the text up to the second $
            int tagEnd = sql.indexOf('$', s + 1) + 1;
            return sql.substring(tagEnd, e - (tagEnd - s));
        }
        boolean backslash = has(Syntax.BACKSLASH_STRINGS);
        int q = s;
        while (sql.charAt(q) != '\'' && sql.charAt(q) != '"') q++;
        if (q > s && Character.toUpperCase(sql.charAt(s)) == 'E') backslash = true;
        char quote = sql.charAt(q);
        StringBuilder b = new StringBuilder(e - q);
        for (int k = q + 1; k < e - 1; k++) {
            char ch = sql.charAt(k);
            if (backslash && ch == '\\' && k + 1 < e - 1) {
                b.append(sql.charAt(++k));
            } else if (ch == quote && k + 1 < e - 1 && sql.charAt(k + 1) == quote) {
                b.append(quote);
                k++;
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** Index after the dotted name ({@code a}, {@code a.b}, {@code "a"."b"}) starting at {@code k}; k if none. */
    int nameEnd(int k) {
        if (!isName(k)) return k;
        int e = k + 1;
        while (isOp(e, ".") && isName(e + 1)) e += 2;
        return e;
    }

    /** Index of the token that closes the bracket opened by token {@code k}, or -1 when it is never closed. */
    int closing(int k) {
        int d = depth[k];
        for (int j = k + 1; j < n; j++) {
            if (depth[j] == d && type[j] == OP) {
                char c = sql.charAt(start[j]);
                if (c == ')' || c == ']' || c == '}') return j;
            }
        }
        return -1;
    }

    /** Forgets the last token: the analyzer drops a statement's trailing {@code ;} this way. */
    void dropLast() {
        n--;
    }

    // ---------------------------------------------------------------- lexing

    private void run() {
        final int len = sql.length();
        boolean inExecComment = false; // inside MariaDB /*! … */, whose content the server executes
        int i = 0;
        while (i < len) {
            char c = sql.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B) {
                i++;
            } else if (c == '-' && at(i + 1, '-') && lineCommentAfterDashes(i + 2)) {
                i = lineEnd(i);
            } else if (c == '#' && has(Syntax.HASH_COMMENTS)) {
                i = lineEnd(i);
            } else if (c == '/' && at(i + 1, '/') && has(Syntax.DOUBLE_SLASH_COMMENTS)) {
                i = lineEnd(i);
            } else if (c == '/' && at(i + 1, '*')) {
                int exec = executableCommentBody(i);
                if (exec > 0) {
                    inExecComment = true;
                    i = exec;
                } else {
                    i = blockCommentEnd(i);
                }
            } else if (c == '*' && inExecComment && at(i + 1, '/')) {
                inExecComment = false;
                i += 2;
            } else if (c == '\'') {
                i = add(STRING, i, quoted(i, '\'', backslashStrings()));
            } else if (c == '"') {
                if (has(Syntax.DOUBLE_QUOTED_STRINGS)) i = add(STRING, i, quoted(i, '"', true));
                else i = add(QIDENT, i, quoted(i, '"', false));
            } else if (c == '`' && has(Syntax.BACKTICK_IDENTIFIERS)) {
                i = add(QIDENT, i, quoted(i, '`', false));
            } else if (c == '[' && has(Syntax.BRACKET_IDENTIFIERS)) {
                int close = sql.indexOf(']', i + 1);
                if (close < 0) {
                    unterminated = true;
                    close = len - 1;
                }
                i = add(QIDENT, i, close + 1);
            } else if (c == '$' && dollarQuoteTagEnd(i) > 0) {
                i = add(STRING, i, dollarQuoted(i));
            } else if (isDigit(c) || (c == '.' && i + 1 < len && isDigit(sql.charAt(i + 1)))) {
                i = add(NUMBER, i, number(i));
            } else if (c == '?') {
                i = question(i);
            } else if (isWordStart(c)) {
                int e = wordEnd(i);
                int prefixed = prefixedLiteral(i, e);
                i = prefixed > 0 ? prefixed : add(WORD, i, e);
            } else if (c == '@' && has(Syntax.USER_VARIABLES) && i + 1 < len
                    && (sql.charAt(i + 1) == '@' || isWordPart(sql.charAt(i + 1)))) {
                int e = i + 1;
                if (sql.charAt(e) == '@') e++;
                i = add(VARIABLE, i, wordEnd(e));
            } else if (has(Syntax.SIGIL_PARAMS) && (c == ':' || c == '@' || c == '$')
                    && i + 1 < len && isWordPart(sql.charAt(i + 1))) {
                i = add(NAMED_PARAM, i, wordEnd(i + 1));
            } else if (c == '$' && has(Syntax.DOLLAR_NUMBER_PARAMS) && i + 1 < len && isDigit(sql.charAt(i + 1))) {
                i = add(NAMED_PARAM, i, digitsEnd(i + 1));
            } else if (c == ':' && at(i + 1, ':')) {
                i = add(OP, i, i + 2);
            } else if (c == '(' || c == '[' || c == '{') {
                i = add(OP, i, i + 1);
                level++;
            } else if (c == ')' || c == ']' || c == '}') {
                level = Math.max(0, level - 1);
                i = add(OP, i, i + 1);
            } else {
                i = add(OP, i, i + 1);
            }
        }
        if (inExecComment) unterminated = true;
    }

    private boolean at(int i, char c) {
        return i < sql.length() && sql.charAt(i) == c;
    }

    /** MariaDB needs whitespace (or the end) after {@code --} for a comment; {@code 1--1} is arithmetic there. */
    private boolean lineCommentAfterDashes(int i) {
        if (!has(Syntax.DASH_COMMENT_NEEDS_SPACE) || i >= sql.length()) return true;
        char c = sql.charAt(i);
        return c <= ' ';
    }

    private int lineEnd(int i) {
        int e = sql.indexOf('\n', i);
        return e < 0 ? sql.length() : e + 1;
    }

    /** For MariaDB's {@code /*!NNNNN …} and {@code /*M!NNNNN …}: the offset where the executed body starts, else 0. */
    private int executableCommentBody(int i) {
        if (!has(Syntax.EXECUTABLE_COMMENTS)) return 0;
        int k = i + 2;
        if (at(k, 'M') && at(k + 1, '!')) k++;
        if (!at(k, '!')) return 0;
        return digitsEnd(k + 1);
    }

    private int blockCommentEnd(int i) {
        boolean nests = has(Syntax.NESTED_COMMENTS);
        int open = 0;
        int k = i;
        final int len = sql.length();
        while (k < len) {
            if (sql.startsWith("/*", k)) {
                if (open == 0 || nests) open++;
                k += 2;
            } else if (sql.startsWith("*/", k)) {
                k += 2;
                if (--open == 0) return k;
            } else {
                k++;
            }
        }
        if (!has(Syntax.OPEN_COMMENT_RUNS_TO_END)) unterminated = true; // SQLite: an open comment runs to the end, legally
        return len;
    }

    private boolean backslashStrings() {
        return has(Syntax.BACKSLASH_STRINGS);
    }

    /** End offset (exclusive) of a quoted run starting at {@code i}; doubled quotes and optionally \x escape. */
    private int quoted(int i, char q, boolean backslash) {
        final int len = sql.length();
        int k = i + 1;
        while (k < len) {
            char c = sql.charAt(k);
            if (backslash && c == '\\') {
                k += 2;
            } else if (c == q) {
                if (k + 1 < len && sql.charAt(k + 1) == q) k += 2;
                else return k + 1;
            } else {
                k++;
            }
        }
        unterminated = true;
        return len;
    }

    /** PostgreSQL's $tag$ (and H2's $$): the offset after the opening tag, or 0 when this $ opens none. */
    private int dollarQuoteTagEnd(int i) {
        if (has(Syntax.DOUBLE_DOLLAR_QUOTES)) return at(i + 1, '$') ? i + 2 : 0;
        if (!has(Syntax.TAGGED_DOLLAR_QUOTES)) return 0;
        int k = i + 1;
        if (k < sql.length() && isDigit(sql.charAt(k))) return 0; // $1 is a positional parameter
        while (k < sql.length() && sql.charAt(k) != '$') {
            char c = sql.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '_')) return 0;
            k++;
        }
        return k < sql.length() ? k + 1 : 0;
    }

    private int dollarQuoted(int i) {
        int bodyStart = dollarQuoteTagEnd(i);
        String tag = sql.substring(i, bodyStart);
        int close = sql.indexOf(tag, bodyStart);
        if (close < 0) {
            unterminated = true;
            return sql.length();
        }
        return close + tag.length();
    }

    private int number(int i) {
        final int len = sql.length();
        if (sql.charAt(i) == '0' && i + 1 < len && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')) {
            int k = i + 2;
            while (k < len && Character.digit(sql.charAt(k), 16) >= 0) k++;
            return k;
        }
        int k = digitsEnd(i);
        if (k < len && sql.charAt(k) == '.') k = digitsEnd(k + 1);
        if (k < len && (sql.charAt(k) == 'e' || sql.charAt(k) == 'E')) {
            int e = k + 1;
            if (e < len && (sql.charAt(e) == '+' || sql.charAt(e) == '-')) e++;
            if (e < len && isDigit(sql.charAt(e))) k = digitsEnd(e);
        }
        return k;
    }

    private int digitsEnd(int i) {
        while (i < sql.length() && (isDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
        return i;
    }

    /**
     * A {@code ?}. PostgreSQL: pgjdbc reads {@code ??} as an escaped {@code ?} operator; we also read
     * {@code ?|} and {@code ?&} (jsonb operators) as operators unless it is {@code ?||}, which is far more
     * likely a parameter followed by concatenation. H2 and SQLite: {@code ?NNN} is a numbered parameter.
     */
    private int question(int i) {
        if (has(Syntax.QUESTION_OPERATORS)) {
            if (at(i + 1, '?')) return add(OP, i, i + 2);
            if (at(i + 1, '&') || (at(i + 1, '|') && !at(i + 2, '|'))) return add(OP, i, i + 2);
        }
        if (has(Syntax.NUMBERED_PARAMS) && i + 1 < sql.length()
                && isDigit(sql.charAt(i + 1))) {
            return add(NAMED_PARAM, i, digitsEnd(i + 1));
        }
        int e = add(PARAM, i, i + 1);
        param[n - 1] = ++params;
        return e;
    }

    /**
     * String literals with a letter prefix: E'…' (PostgreSQL, backslash escapes), N'…', X'…', B'…', U&'…'
     * and U&"…" (a quoted identifier). Returns the end offset after adding the token, or 0 when the word
     * is not such a prefix.
     */
    private int prefixedLiteral(int s, int wordEnd) {
        int len = wordEnd - s;
        if (len == 1 && at(wordEnd, '\'')) {
            char p = Character.toUpperCase(sql.charAt(s));
            boolean escapeStrings = has(Syntax.ESCAPE_STRINGS);
            if (p == 'N' || p == 'X' || p == 'B' || (p == 'E' && escapeStrings)) {
                boolean backslash = (p == 'E') || backslashStrings();
                return add(STRING, s, quoted(wordEnd, '\'', backslash));
            }
        }
        if (len == 1 && Character.toUpperCase(sql.charAt(s)) == 'U' && at(wordEnd, '&')
                && has(Syntax.UNICODE_LITERALS)) {
            if (at(wordEnd + 1, '\'')) return add(STRING, s, quoted(wordEnd + 1, '\'', false));
            if (at(wordEnd + 1, '"')) return add(QIDENT, s, quoted(wordEnd + 1, '"', false));
        }
        return 0;
    }

    private int wordEnd(int i) {
        while (i < sql.length() && isWordPart(sql.charAt(i))) i++;
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Letters, underscore, and any non-ASCII character (all four backends accept Unicode identifiers). */
    private static boolean isWordStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isWordPart(char c) {
        return isWordStart(c) || isDigit(c) || c == '$';
    }

    private int add(int t, int s, int e) {
        if (n == type.length) {
            int cap = n * 2;
            type = Arrays.copyOf(type, cap);
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
            depth = Arrays.copyOf(depth, cap);
            param = Arrays.copyOf(param, cap);
        }
        type[n] = t;
        start[n] = s;
        end[n] = e;
        depth[n] = level;
        param[n] = 0;
        n++;
        return e;
    }
}
