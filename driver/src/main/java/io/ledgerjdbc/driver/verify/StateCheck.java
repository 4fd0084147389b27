package io.ledgerjdbc.driver.verify;

import io.ledgerjdbc.driver.backend.Backend;
import io.ledgerjdbc.driver.schema.Identifiers;
import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.EncodedEntry;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.ImageCursor;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.store.LedgerStore;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.StoredEntry;
import io.ledgerjdbc.ledger.verify.EncodedEntryVisitor;
import io.ledgerjdbc.ledger.verify.EntryVisitor;
import io.ledgerjdbc.ledger.verify.Finding;
import io.ledgerjdbc.ledger.verify.FindingKind;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The state check: the current contents of every ledgered table must equal what the ledger says they are.
 *
 * <p>It rides on a verification pass as its {@link EntryVisitor}, reading each entry's bytes, and folds each
 * row change into "the last image of every live row": key → (seq of the last entry that touched it, the image
 * itself when short, else its SHA-256), held in a {@link SpillingSortedMap} that keeps a bounded amount in
 * memory and spills sorted runs to temporary files beyond it. So memory depends neither on the number of entries
 * nor on the size of the tables. Then {@link #compare} reads each table once, in any order: while the expected
 * state is all in memory it looks each row up by key as it comes (no sort), otherwise it reads the table into
 * the same kind of map and walks both in key order. A row on one side only is {@code ROW_ADDED} or
 * {@code ROW_MISSING}, a row whose image differs is {@code ROW_CHANGED}. Only for findings are the images
 * themselves fetched (the ledger's from the entry at the recorded seq), to name the columns that differ.
 *
 * <p>A row change whose key is the whole row (a table without a primary key: key equal to the row's image) is
 * folded into a count instead, since such a table is a multiset and equal rows share a key: an INSERT adds one,
 * a DELETE takes one away, an UPDATE moves one from the old row to the new. The table's rows with such keys are
 * counted too, and each row the counts differ by is one {@code ROW_MISSING} or {@code ROW_ADDED}. Keyed rows
 * keep the image comparison: the only cost to them is a length comparison per change and per row.
 *
 * <p>DDL: {@code DROP TABLE} starts the table afresh; {@code ALTER TABLE … RENAME TO}/{@code RENAME TABLE}
 * move its rows to the new name; after any other {@code ALTER TABLE}, a row whose last image predates it is
 * compared on the columns both sides have (an added column's default is not in the old image). A table without
 * a primary key needs that of its counts: its rows' keys gain the added column, so a table whose first whole-row
 * change predates its last ALTER is compared by {@link SharedColumnsMatch} (sorted maps that spill, as when the
 * expected state spills), which counts the older rows on the columns they share with the table. The fold keeps
 * a key from each span between ALTERs for it, one flag test per whole-row change; keyed rows pay nothing.
 */
public final class StateCheck implements EncodedEntryVisitor, AutoCloseable {

    /** Memory for the expected state before it spills; also used for each table's actual rows. */
    public static final long DEFAULT_BUDGET = 64L << 20;

    /** Images up to this many bytes are kept whole, longer ones as their SHA-256. */
    private static final int INLINE_IMAGE = 128;

    private final String defaultSchema;
    private final long budget;
    private final SpillingSortedMap expected;
    /** Identity (see {@link TableName#identity}) → the table's current generation. */
    private final Map<String, Table> current = new HashMap<>();
    private final List<Table> generations = new ArrayList<>();
    private LongConsumer progress = n -> { };

    /** One life of a table, from its creation (or first row) to its drop. */
    private static final class Table {
        final int id;
        TableName name;
        /** Whether the ledger last saw the table created or written (not dropped). */
        boolean exists;
        /** Seq of the last ALTER TABLE on it, 0 if none. */
        long alteredSeq;
        /** Seq of its first change of a whole-row key (a row of a table without a primary key), 0 if none. */
        long firstWholeRowSeq;
        /** A whole-row key from each span between ALTERs that changed such rows: the columns rows had then. */
        final List<byte[]> wholeRowShapes = new ArrayList<>();
        /** Whether this span (since the last ALTER) has left its key in {@link #wholeRowShapes}. */
        boolean wholeRowShapeKnown;
        /** Every identity this generation has had (renames), to find its changes in old entries. */
        final Set<String> identities = new HashSet<>();

        Table(int id, TableName name) {
            this.id = id;
            this.name = name;
        }
    }

    /** A check whose unqualified table names are in an unknown default schema (fine unless names are mixed). */
    public StateCheck() {
        this(null, DEFAULT_BUDGET);
    }

    public StateCheck(String defaultSchema, long memoryBudgetBytes) {
        this.defaultSchema = defaultSchema;
        this.budget = memoryBudgetBytes;
        this.expected = new SpillingSortedMap(memoryBudgetBytes);
    }

    /** A check for the database behind {@code c}: unqualified names are in its default schema. */
    public static StateCheck forDatabase(Connection c, SqlDialect dialect) throws SQLException {
        String schema = Backend.of(dialect).defaultSchema(c);
        return new StateCheck(schema, DEFAULT_BUDGET);
    }

    /** Called with the number of table rows read so far during {@link #compare}. */
    public void onRowsRead(LongConsumer progress) {
        this.progress = progress;
    }

    // ---- the fold --------------------------------------------------------------------------------------

    /** The table of the last row change folded, and its name's bytes: consecutive changes mostly share one. */
    private Table lastTable;
    private byte[] lastTableName = new byte[0];
    private final ImageCursor keyColumns = new ImageCursor();
    private final ImageCursor afterColumns = new ImageCursor();
    private final byte[] kept = new byte[1 + INLINE_IMAGE];
    private final MessageDigest sha256 = sha256();

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** An entry given as objects: folded through its encoding, exactly as a verification pass would. */
    @Override
    public void visit(LedgerEntry entry) {
        EncodedEntry encoded = new EncodedEntry();
        EntryCodec.validate(EntryCodec.encode(entry), encoded);
        visit(encoded);
    }

    /**
     * Folds one entry straight from its bytes: keys and after images are the encoding's own ranges, so nothing
     * is decoded or encoded again.
     */
    @Override
    public void visit(EncodedEntry entry) {
        byte[] b = entry.bytes();
        long seq = entry.seq();
        for (int i = 0; i < entry.changeCount(); i++) {
            if (!entry.isRowChange(i)) {
                lastTable = null; // DDL may drop or rename what the cache points at
                ddl(entry.ddl(i), seq);
                continue;
            }
            Table t = table(entry, i);
            t.exists = true;
            int keyFrom = entry.keyFrom(i);
            int keyTo = entry.keyTo(i);
            switch (entry.op(i)) {
                case INSERT -> {
                    if (Arrays.equals(b, keyFrom, keyTo, b, entry.afterFrom(i), entry.afterTo(i))) {
                        wholeRow(t, b, keyFrom, keyTo, seq);
                        expected.add(t.id, b, keyFrom, keyTo, seq, 1); // whole-row key: one more equal row
                    } else {
                        put(t, b, keyFrom, keyTo, seq, b, entry.afterFrom(i), entry.afterTo(i));
                    }
                }
                case UPDATE -> {
                    byte[] newKey = keyAfterUpdate(b, keyFrom, entry.afterFrom(i));
                    if (Arrays.equals(b, keyFrom, keyTo, b, entry.beforeFrom(i), entry.beforeTo(i))) {
                        wholeRow(t, b, keyFrom, keyTo, seq);
                        if (newKey != null) { // one row moves from its old value to its new one (which is its key)
                            expected.add(t.id, b, keyFrom, keyTo, seq, -1);
                            expected.add(t.id, newKey, 0, newKey.length, seq, 1);
                        }
                    } else if (newKey == null) {
                        put(t, b, keyFrom, keyTo, seq, b, entry.afterFrom(i), entry.afterTo(i));
                    } else {
                        expected.remove(t.id, b, keyFrom, keyTo);
                        put(t, newKey, 0, newKey.length, seq, b, entry.afterFrom(i), entry.afterTo(i));
                    }
                }
                case DELETE -> {
                    if (Arrays.equals(b, keyFrom, keyTo, b, entry.beforeFrom(i), entry.beforeTo(i))) {
                        wholeRow(t, b, keyFrom, keyTo, seq);
                        expected.add(t.id, b, keyFrom, keyTo, seq, -1); // exactly one of the equal rows
                    } else {
                        expected.remove(t.id, b, keyFrom, keyTo);
                    }
                }
            }
        }
    }

    /**
     * Notes a change of a whole-row key. The first of each span between ALTERs keeps its key: its columns are
     * those every row the span wrote has (a comparison after an ALTER needs them). One flag test per change.
     */
    private static void wholeRow(Table t, byte[] b, int keyFrom, int keyTo, long seq) {
        if (!t.wholeRowShapeKnown) {
            t.wholeRowShapeKnown = true;
            t.wholeRowShapes.add(Arrays.copyOfRange(b, keyFrom, keyTo));
            if (t.firstWholeRowSeq == 0) {
                t.firstWholeRowSeq = seq;
            }
        }
    }

    private Table table(EncodedEntry entry, int i) {
        byte[] b = entry.bytes();
        int from = entry.tableFrom(i);
        int to = entry.tableTo(i);
        if (lastTable == null || !Arrays.equals(b, from, to, lastTableName, 0, lastTableName.length)) {
            lastTable = table(TableName.ofLedger(entry.table(i)), true);
            lastTableName = Arrays.copyOfRange(b, from, to);
        }
        return lastTable;
    }

    /**
     * The key of the row after an UPDATE: the key's columns with the values the after image gives them (a key
     * column it lacks keeps its value); null when that is the key as it was, which is almost always.
     */
    private byte[] keyAfterUpdate(byte[] b, int keyFrom, int afterFrom) {
        boolean changed = false;
        keyColumns.reset(b, keyFrom);
        afterColumns.reset(b, afterFrom);
        boolean more = afterColumns.next();
        int size = 4;
        while (keyColumns.next()) {
            while (more && nameOrder(b, afterColumns, keyColumns) < 0) {
                more = afterColumns.next();
            }
            boolean given = more && nameOrder(b, afterColumns, keyColumns) == 0;
            ImageCursor from = given ? afterColumns : keyColumns;
            size += 4 + keyColumns.nameTo() - keyColumns.nameFrom() + from.valueTo() - from.valueFrom();
            changed |= given && !Arrays.equals(b, keyColumns.valueFrom(), keyColumns.valueTo(), b, afterColumns.valueFrom(), afterColumns.valueTo());
        }
        if (!changed) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        keyColumns.reset(b, keyFrom);
        afterColumns.reset(b, afterFrom);
        more = afterColumns.next();
        out.putInt(keyColumns.columns());
        while (keyColumns.next()) {
            while (more && nameOrder(b, afterColumns, keyColumns) < 0) {
                more = afterColumns.next();
            }
            ImageCursor from = more && nameOrder(b, afterColumns, keyColumns) == 0 ? afterColumns : keyColumns;
            out.putInt(keyColumns.nameTo() - keyColumns.nameFrom()).put(b, keyColumns.nameFrom(), keyColumns.nameTo() - keyColumns.nameFrom());
            out.put(b, from.valueFrom(), from.valueTo() - from.valueFrom());
        }
        return out.array();
    }

    /** Canonical order of the two cursors' current column names. */
    private static int nameOrder(byte[] b, ImageCursor x, ImageCursor y) {
        return Arrays.compareUnsigned(b, x.nameFrom(), x.nameTo(), b, y.nameFrom(), y.nameTo());
    }

    private void ddl(DdlChange ddl, long seq) {
        String sql = ddl.sql().strip().replaceAll("\\s+", " ").toUpperCase(java.util.Locale.ROOT);
        TableName name = TableName.ofWritten(ddl.object());
        if (name == null) {
            return;
        }
        if (sql.startsWith("DROP TABLE")) {
            Table t = current.get(name.identity(defaultSchema));
            if (t != null) {
                retire(t);
            }
        } else if (sql.matches("CREATE (OR REPLACE )?TABLE .*") || sql.matches("CREATE (CACHED |MEMORY )TABLE .*")) {
            table(name, false).exists = true; // CREATE [LOCAL|GLOBAL] TEMPORARY TABLE is not matched: not the CLI's to see
        } else if (sql.startsWith("ALTER TABLE") || sql.startsWith("RENAME TABLE")) {
            Table t = current.get(name.identity(defaultSchema));
            if (t == null) {
                return;
            }
            t.alteredSeq = seq;
            t.wholeRowShapeKnown = false;
            String target = renameTarget(ddl.sql());
            TableName to = target == null ? null : TableName.ofWritten(target);
            if (to != null) {
                // the new name keeps the old schema unless it names one
                TableName moved = to.schema() == null && t.name.schema() != null ? new TableName(t.name.schema(), to.name(), to.quoted()) : to;
                current.remove(name.identity(defaultSchema));
                Table replaced = current.put(moved.identity(defaultSchema), t);
                if (replaced != null && replaced != t) {
                    replaced.exists = false;
                }
                t.name = moved;
                t.identities.add(moved.identity(defaultSchema));
            }
        }
    }

    /** The new name of {@code ALTER TABLE a RENAME TO b}, {@code RENAME TABLE a TO b}, or null. */
    static String renameTarget(String sql) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?is)^\\s*(?:ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?\\S+\\s+RENAME\\s+(?:TO|AS)|RENAME\\s+TABLE\\s+\\S+\\s+TO)\\s+"
                        + "((?:\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|[^\\s;,\"`]+)(?:\\.(?:\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|[^\\s;,\"`.]+))?)").matcher(sql);
        return m.find() ? m.group(1) : null;
    }

    private Table table(TableName name, boolean exactSpelling) {
        String identity = name.identity(defaultSchema);
        Table t = current.get(identity);
        if (t == null) {
            t = new Table(generations.size(), name);
            t.identities.add(identity);
            generations.add(t);
            current.put(identity, t);
        } else if (exactSpelling) {
            t.name = name; // row changes spell the name as the metadata does: the best one to look it up by
        }
        return t;
    }

    /** A drop: the name now stands for a new, empty generation that does not exist until created again. */
    private void retire(Table t) {
        Table fresh = new Table(generations.size(), t.name);
        fresh.identities.add(t.name.identity(defaultSchema));
        generations.add(fresh);
        for (Map.Entry<String, Table> e : current.entrySet()) {
            if (e.getValue() == t) {
                e.setValue(fresh);
            }
        }
    }

    private void put(Table t, byte[] key, int keyFrom, int keyTo, long seq, byte[] image, int imageFrom, int imageTo) {
        int n = kept(image, imageFrom, imageTo);
        expected.put(t.id, key, keyFrom, keyTo, seq, kept, 0, n);
    }

    /**
     * What the state keeps of an image, in {@link #kept}: the image itself when it is short (then it is compared
     * byte for byte, and nothing needs hashing), else its SHA-256 (so a wide row costs 33 bytes). Equal images
     * give equal bytes, and the first byte says which form it is. Returns the length.
     */
    private int kept(byte[] image, int from, int to) {
        int length = to - from;
        if (length <= INLINE_IMAGE) {
            kept[0] = 0;
            System.arraycopy(image, from, kept, 1, length);
            return 1 + length;
        }
        kept[0] = 1;
        sha256.reset();
        sha256.update(image, from, length);
        try {
            return 1 + sha256.digest(kept, 1, Hashes.SIZE);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key columns of {@code key}, with their values taken from {@code row} (the key after an update). */
    private static Row keyLike(Row key, Row row) {
        Row.Builder b = Row.builder();
        for (String name : key.names()) {
            b.put(name, row.get(name) != null ? row.get(name) : key.get(name));
        }
        return b.build();
    }

    // ---- the comparison ---------------------------------------------------------------------------------

    /**
     * Compares the expected contents with the database's; one finding per differing row (or per missing
     * table). Read the tables in the same transaction (snapshot) as the ledger, or concurrent writers will
     * show up as findings. Call once, after the pass.
     *
     * @return the number of findings
     */
    public long compare(Connection c, SqlDialect dialect, Consumer<Finding> sink) throws SQLException {
        Comparison run = new Comparison(c, dialect, sink);
        List<Table> live = new ArrayList<>(new HashSet<>(current.values()));
        live.removeIf(t -> !t.exists);
        live.sort(Comparator.comparingInt(t -> t.id));
        if (expected.spilledRuns() == 0) {
            for (Table t : live) {
                if (!run.onSharedColumns(t, null)) {
                    run.probe(t);
                }
            }
        } else {
            // with debts: a key-less table altered since some row was written cancels them against older counts
            SpillingSortedMap.Cursor cursor = expected.cursor(true);
            for (Table t : live) {
                while (cursor.hasNext() && cursor.peek().group() < t.id) {
                    cursor.next(); // rows of a dropped generation
                }
                if (!run.onSharedColumns(t, cursor)) {
                    run.merge(t, cursor);
                }
            }
        }
        return run.findings;
    }

    /** Receives each row of a table as its key's and its own canonical image. */
    private interface RowSink {
        void row(byte[] key, byte[] image) throws SQLException;
    }

    /** The state of one comparison. */
    private final class Comparison {
        private final Connection c;
        private final SqlDialect dialect;
        private final Consumer<Finding> sink;
        private final TableCatalog catalog;
        private final LedgerStore store;
        private final Map<Long, LedgerEntry> entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, LedgerEntry> eldest) {
                return size() > 256;
            }
        };
        long findings;
        long rowsRead;

        Comparison(Connection c, SqlDialect dialect, Consumer<Finding> sink) {
            this.c = c;
            this.dialect = dialect;
            this.sink = sink;
            this.catalog = new TableCatalog(dialect);
            this.store = new LedgerStore(dialect);
        }

        void report(Finding f) {
            findings++;
            sink.accept(f);
        }

        /** The table's metadata, or null after reporting it missing. */
        private TableInfo info(Table t, long rows, long lastSeq) {
            try {
                return catalog.table(c, t.name.ref());
            } catch (SQLException notThere) {
                report(new Finding(FindingKind.TABLE_MISSING, lastSeq == 0 ? null : lastSeq, t.name.display(), null,
                        rows + " row" + (rows == 1 ? "" : "s"), "no table", "the ledger has this table but the database does not"));
                return null;
            }
        }

        /**
         * Everything fits in memory: each row the table holds is looked up by its key as it is read (in whatever
         * order the database returns them), and the keys no row claimed are the missing ones. Nothing is sorted.
         */
        void probe(Table t) throws SQLException {
            long[] countAndSeq = expected.countAndMaxSeq(t.id);
            TableInfo info = info(t, countAndSeq[0], countAndSeq[1]);
            if (info == null) {
                return;
            }
            readTable(info, (key, image) -> {
                int r = expected.find(t.id, key, 0, key.length);
                if (r < 0) {
                    added(t, key, image);
                    return;
                }
                if (expected.isCounted(r)) { // equal rows: tallied now, compared with the count below
                    expected.claim(r);
                    if (!Arrays.equals(key, image)) {
                        changed(t, key, expected.seq(r), EntryCodec.decodeImage(key), image);
                    }
                    return;
                }
                if (!expected.markSeen(r)) {
                    added(t, key, image); // two rows with one key: the table's key or columns changed behind our back
                    return;
                }
                int n = kept(image, 0, image.length);
                if (!expected.valueEquals(r, kept, 0, n)) {
                    changed(t, key, expected.seq(r), null, image);
                }
            });
            for (SpillingSortedMap.Item want : expected.unseen(t.id)) {
                if (want.counted()) {
                    copies(t, want.key(), want.seq(), Math.max(0, want.count()), want.claimed());
                } else {
                    missing(t, want.key(), want.seq(), false, 1, 0);
                }
            }
        }

        /**
         * A table without a primary key altered after some of its rows were last written: those rows are matched
         * on the columns they share with the table (see {@link SharedColumnsMatch}), equal rows still counted.
         * The expected rows come from {@code cursor} when the state spilled, else from memory. False (nothing
         * done) for every other table, which takes the usual path.
         */
        boolean onSharedColumns(Table t, SpillingSortedMap.Cursor cursor) throws SQLException {
            if (t.firstWholeRowSeq == 0 || t.firstWholeRowSeq >= t.alteredSeq) {
                return false;
            }
            TableInfo info;
            try {
                info = catalog.table(c, t.name.ref());
            } catch (SQLException notThere) {
                return false; // the usual path reports it
            }
            if (info.hasPrimaryKey()) {
                return false;
            }
            List<String> columns = info.columns().stream().map(TableInfo.Column::name).toList();
            try (SharedColumnsMatch match = new SharedColumnsMatch(columns, t.wholeRowShapes, budget)) {
                Consumer<SpillingSortedMap.Item> expect = item -> match.expect(item.key(), item.seq(),
                        item.counted() ? item.count() : 1, item.seq() < t.alteredSeq);
                if (cursor == null) {
                    expected.forEach(t.id, expect);
                } else {
                    while (cursor.hasNext() && cursor.peek().group() == t.id) {
                        expect.accept(cursor.next());
                    }
                }
                readTable(info, (key, image) -> match.row(image));
                match.finish(new SharedColumnsMatch.Findings() {
                    @Override
                    public void missing(Row image, long seq, long want, long got, boolean shared) throws SQLException {
                        Comparison.this.missing(t, EntryCodec.encodeImage(image), seq, true, want, got,
                                shared ? t.alteredSeq : 0);
                    }

                    @Override
                    public void added(Row row, long want, long extra, boolean shared) {
                        byte[] image = EntryCodec.encodeImage(row);
                        Comparison.this.added(t, image, image, want, want + extra, shared ? t.alteredSeq : 0);
                    }
                });
            }
            return true;
        }

        /** The expected state spilled: read the table into a sorted map too and walk both in key order. */
        void merge(Table t, SpillingSortedMap.Cursor cursor) throws SQLException {
            long rows = 0;
            long lastSeq = 0;
            TableInfo info;
            try {
                info = catalog.table(c, t.name.ref());
            } catch (SQLException notThere) {
                while (cursor.hasNext() && cursor.peek().group() == t.id) {
                    SpillingSortedMap.Item item = cursor.next();
                    if (item.count() > 0) {
                        lastSeq = Math.max(lastSeq, item.seq());
                        rows += item.count();
                    }
                }
                info(t, rows, lastSeq);
                return;
            }
            try (SpillingSortedMap actual = new SpillingSortedMap(budget)) {
                readTable(info, (key, image) -> {
                    if (Arrays.equals(key, image)) {
                        actual.add(0, key, 0, 1); // a whole-row key: equal rows are counted
                    } else {
                        actual.put(0, key, 0, image);
                    }
                });
                SpillingSortedMap.Cursor have = actual.cursor();
                while (true) {
                    SpillingSortedMap.Item want = cursor.hasNext() && cursor.peek().group() == t.id ? cursor.peek() : null;
                    if (want != null && want.count() < 0) {
                        cursor.next(); // more equal rows deleted than counted: nothing to find (see onSharedColumns)
                        continue;
                    }
                    SpillingSortedMap.Item got = have.peek();
                    if (want == null && got == null) {
                        return;
                    }
                    int order = want == null ? 1 : got == null ? -1 : Arrays.compareUnsigned(want.key(), got.key());
                    if (order < 0) {
                        SpillingSortedMap.Item w = cursor.next();
                        missing(t, w.key(), w.seq(), w.counted(), w.count(), 0);
                    } else if (order > 0) {
                        SpillingSortedMap.Item g = have.next();
                        added(t, g.key(), g.counted() ? g.key() : g.value(), 0, g.count());
                    } else {
                        compare(t, cursor.next(), have.next());
                    }
                }
            }
        }

        /** The ledger's and the table's rows with one key: by image, or (whole-row keys) by count. */
        private void compare(Table t, SpillingSortedMap.Item w, SpillingSortedMap.Item g) throws SQLException {
            if (w.counted() && g.counted()) {
                copies(t, w.key(), w.seq(), w.count(), g.count());
                return;
            }
            // Keyed rows; or a key that is the whole row on one side only (the table's columns or key changed
            // behind the driver's back): the row is compared by image, then the counts.
            byte[] image = g.counted() ? g.key() : g.value();
            byte[] want = w.counted() ? Arrays.copyOf(kept, kept(w.key(), 0, w.key().length)) : w.value();
            int n = kept(image, 0, image.length);
            if (!Arrays.equals(want, 0, want.length, kept, 0, n)) {
                changed(t, g.key(), w.seq(), w.counted() ? EntryCodec.decodeImage(w.key()) : null, image);
            }
            if (w.count() != g.count()) {
                copies(t, w.key(), w.seq(), w.count(), g.count());
            }
        }

        /** Equal rows (a whole-row key) the ledger counts {@code want} of and the table holds {@code got} of. */
        private void copies(Table t, byte[] key, long seq, long want, long got) throws SQLException {
            if (want > got) {
                missing(t, key, seq, true, want, got);
            } else if (got > want) {
                added(t, key, key, want, got);
            }
        }

        private void readTable(TableInfo info, RowSink rows) throws SQLException {
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < info.columns().size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(Identifiers.quote(dialect, info.columns().get(i).name()));
            }
            sql.append(" FROM ");
            if (info.schema() != null && Backend.of(dialect).hasSchemas()) {
                sql.append(Identifiers.quote(dialect, info.schema())).append('.');
            }
            sql.append(Identifiers.quote(dialect, info.name()));
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setFetchSize(1000); // streams on PostgreSQL (outside autocommit) and MariaDB
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row.Builder b = Row.builder();
                        for (int i = 0; i < info.columns().size(); i++) {
                            b.put(info.columns().get(i).name(), Values.read(rs, i + 1, info.columns().get(i), dialect));
                        }
                        Row row = b.build();
                        rows.row(EntryCodec.encodeImage(info.keyOf(row)), EntryCodec.encodeImage(row));
                        if ((++rowsRead & 1023) == 0) {
                            progress.accept(rowsRead);
                        }
                    }
                }
            }
            progress.accept(rowsRead);
        }

        /** A row that differs from the ledger's image: {@code known} when the caller has it, else looked up. */
        private void changed(Table t, byte[] keyImage, long seq, Row known, byte[] rowImage) throws SQLException {
            Row key = EntryCodec.decodeImage(keyImage);
            Row row = EntryCodec.decodeImage(rowImage);
            Row image = known != null ? known : expectedImage(t, seq, key);
            List<String> differing = differingColumns(image, row, t.alteredSeq > seq);
            if (image != null && differing.isEmpty()) {
                return; // only columns an ALTER TABLE added or dropped after the row's last image differ
            }
            report(new Finding(FindingKind.ROW_CHANGED, seq, t.name.display(), key.toString(),
                    image == null ? "image of seq " + seq : image.toString(), row.toString(),
                    "the row differs from the ledger's last image (seq " + seq + ")"
                            + (differing.isEmpty() ? "" : " in " + String.join(", ", differing)), new Finding.Rows(key, image, row)));
        }

        /**
         * The ledger has {@code want} rows with this key and the table {@code got} (fewer): one finding per row
         * gone. A {@code counted} key is the whole row, so it is its own image, and its seq the last entry that
         * changed how many there are (which may have written another row: a DELETE, or an UPDATE moving one away).
         */
        private void missing(Table t, byte[] keyImage, long seq, boolean counted, long want, long got) throws SQLException {
            missing(t, keyImage, seq, counted, want, got, 0);
        }

        /**
         * As above; {@code sharedSince} is the seq of the ALTER TABLE since which the rows were compared on the
         * columns both sides have (those of the key), 0 when they were compared whole.
         */
        private void missing(Table t, byte[] keyImage, long seq, boolean counted, long want, long got, long sharedSince) throws SQLException {
            Row key = EntryCodec.decodeImage(keyImage);
            Row image = counted ? key : expectedImage(t, seq, key);
            String detail = counted
                    ? "fewer rows equal to this one" + onShared(sharedSince) + " than the ledger says (last changed by seq "
                            + seq + "): the ledger has " + want + ", the table " + got
                    : "a row the ledger says exists (last written by seq " + seq + ") is gone";
            for (long i = got; i < want; i++) {
                report(new Finding(FindingKind.ROW_MISSING, seq, t.name.display(), key.toString(),
                        image == null ? "image of seq " + seq : image.toString(), null, detail, new Finding.Rows(key, image, null)));
            }
        }

        private void added(Table t, byte[] keyImage, byte[] rowImage) {
            added(t, keyImage, rowImage, 0, 1);
        }

        /** The ledger has {@code want} rows with this key and the table {@code got} (more): one finding per extra row. */
        private void added(Table t, byte[] keyImage, byte[] rowImage, long want, long got) {
            added(t, keyImage, rowImage, want, got, 0);
        }

        /** As above; {@code sharedSince} as for {@link #missing}. */
        private void added(Table t, byte[] keyImage, byte[] rowImage, long want, long got, long sharedSince) {
            Row key = EntryCodec.decodeImage(keyImage);
            Row foundRow = EntryCodec.decodeImage(rowImage);
            String found = foundRow.toString();
            String detail = want > 0
                    ? "more rows equal to this one" + onShared(sharedSince) + " than the ledger recorded: the ledger has "
                            + want + ", the table " + got
                    : "a row the ledger never recorded" + (sharedSince == 0 ? "" : ", nor one equal to it" + onShared(sharedSince));
            for (long i = want; i < got; i++) {
                report(new Finding(FindingKind.ROW_ADDED, null, t.name.display(), key.toString(), null, found, detail,
                        new Finding.Rows(key, null, foundRow)));
            }
        }

        /** How rows last written before an ALTER TABLE were compared, for a finding's detail. */
        private static String onShared(long alteredSeq) {
            return alteredSeq == 0 ? "" : " on the columns both sides have (the rows predate the ALTER TABLE of seq " + alteredSeq + ")";
        }

        /** The image entry {@code seq} left for {@code key} in table {@code t}, or null if it cannot be read. */
        private Row expectedImage(Table t, long seq, Row key) throws SQLException {
            LedgerEntry entry = entries.get(seq);
            if (entry == null) {
                StoredEntry stored = store.readEntry(c, seq);
                if (stored == null || stored.entry() == null) {
                    return null;
                }
                try {
                    entry = EntryCodec.decode(stored.entry());
                } catch (RuntimeException malformed) {
                    return null; // the entry was edited since the pass: the verifier reports it
                }
                entries.put(seq, entry);
            }
            List<Change> changes = entry.changes();
            for (int i = changes.size() - 1; i >= 0; i--) {
                if (changes.get(i) instanceof RowChange rc && rc.after() != null
                        && t.identities.contains(TableName.ofLedger(rc.table()).identity(defaultSchema))
                        && keyLike(rc.key(), rc.after()).equals(key)) {
                    return rc.after();
                }
            }
            return null;
        }
    }

    /**
     * The columns in which two images differ; with {@code lenient} (the table was altered after the image was
     * recorded) only columns both have count.
     */
    static List<String> differingColumns(Row expected, Row actual, boolean lenient) {
        List<String> out = new ArrayList<>();
        if (expected == null) {
            return out;
        }
        Set<String> names = new java.util.TreeSet<>(expected.names());
        names.addAll(actual.names());
        for (String n : names) {
            var e = expected.get(n);
            var a = actual.get(n);
            if (lenient && (e == null || a == null)) {
                continue;
            }
            if (e == null || !e.equals(a)) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public void close() {
        expected.close();
    }
}
