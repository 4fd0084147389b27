package io.ledgerjdbc.cli;

import static io.ledgerjdbc.cli.CliCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerjdbc.cli.CliCommandsTest.Run;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.LedgerSchema;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code log}: the audit trail by seq range, table, time window and node, as text and JSON. */
class LogCommandTest {

    @TempDir
    Path dir;

    private String url;

    /**
     * Six entries with known commit times, one a day from 2026-01-01T10:00Z: a CREATE TABLE, three INSERTs into
     * accounts (seq 2..4, the third with a row of notes in the same transaction), an UPDATE of accounts 2 from node B,
     * a DELETE of accounts 3.
     */
    @BeforeEach
    void ledger() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("log.db");
        try (Connection c = DriverManager.getConnection(url)) {
            LedgerStore store = LedgerStore.of(c);
            LedgerSchema.createIfMissing(c, store.dialect());
            LedgerHead head = store.readHead(c);
            Row k1 = Row.of("id", Value.of(1L));
            Row k2 = Row.of("id", Value.of(2L));
            Row k3 = Row.of("id", Value.of(3L));
            Row a2 = Row.of("id", Value.of(2L), "owner", Value.of("bob"), "balance", Value.of(100L));
            Row a3 = Row.of("id", Value.of(3L), "owner", Value.of("cy"), "balance", Value.of(5L));
            List<LedgerEntry> entries = List.of(
                    entry(1, "A", List.of(new DdlChange("accounts", "CREATE TABLE accounts (id INT PRIMARY KEY, owner TEXT, balance INT)"))),
                    entry(2, "A", List.of(RowChange.insert("accounts", k1, Row.of("id", Value.of(1L), "owner", Value.of("ada"), "balance", Value.of(10L))))),
                    entry(3, "A", List.of(RowChange.insert("accounts", k2, a2))),
                    entry(4, "A", List.of(RowChange.insert("accounts", k3, a3), RowChange.insert("notes", k1, Row.of("id", Value.of(1L))))),
                    entry(5, "B", List.of(RowChange.update("accounts", k2, a2,
                            Row.of("id", Value.of(2L), "owner", Value.of("bob"), "balance", Value.of(75L))))),
                    entry(6, "A", List.of(RowChange.delete("accounts", k3, a3))));
            for (LedgerEntry e : entries) {
                head = store.append(c, head, e);
            }
        }
    }

    private static LedgerEntry entry(long seq, String node, List<io.ledgerjdbc.ledger.entry.Change> changes) {
        return new LedgerEntry(seq, node, Instant.parse("2026-01-01T10:00:00Z").plusSeconds(86_400 * (seq - 1)), "tx" + seq, changes);
    }

    @Test
    void everyEntryOldestFirstWithOneReadableLinePerChange() {
        Run r = run("log", url);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("RowChange[").contains(
                "seq 1  2026-01-01T10:00:00Z  node A  tx tx1\n  DDL CREATE TABLE accounts (id INT PRIMARY KEY, owner TEXT, balance INT)\n",
                "seq 5  2026-01-05T10:00:00Z  node B  tx tx5\n  UPDATE accounts {id=2}: balance: 100 → 75\n",
                "  DELETE accounts {id=3} was {balance=5, id=3, owner='cy'}\n",
                "  INSERT notes {id=1} → {id=1}\n",
                "6 entries (seq 1..6), 7 changes; the ledger has 6");
    }

    @Test
    void aSeqRangeATableATimeWindowAndANodeNarrowIt() {
        assertThat(run("log", url, "--from", "3", "--to", "4").out()).contains("seq 3 ", "seq 4 ").doesNotContain("seq 2 ", "seq 5 ")
                .contains("2 entries (seq 3..4), 3 changes");
        Run notes = run("log", url, "--table", "NOTES");
        assertThat(notes.out()).contains("seq 4 ", "INSERT notes {id=1}", "(+1 change to other tables)", "1 entry (seq 4..4), 1 change")
                .doesNotContain("INSERT accounts");
        assertThat(run("log", url, "--since", "2026-01-03", "--until", "2026-01-05T10:00:00Z").out())
                .contains("seq 3 ", "seq 4 ").doesNotContain("seq 2 ", "seq 5 ");
        assertThat(run("log", url, "--since", "2026-01-05T10:00").out()).contains("seq 5 ", "seq 6 ").doesNotContain("seq 4 ");
        assertThat(run("log", url, "--node", "B").out()).contains("seq 5 ", "1 entry (seq 5..5)").doesNotContain("seq 4 ");
        assertThat(run("log", url, "--since", "1d").out()).as("nothing this recent").contains("no entry matches (the ledger has 6 entries)");
        Run limited = run("log", url, "--limit", "2");
        assertThat(limited.out()).contains("seq 1 ", "seq 2 ").doesNotContain("seq 3 ")
                .contains("more match: raise --limit or start --from 3");
    }

    @Test
    void jsonGivesTheEntriesWithTheFieldsHistoryUses() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(run("log", url, "--table", "accounts", "--from", "4", "--json").out());
        JsonNode entries = doc.get("entries");
        assertThat(entries).hasSize(3);
        JsonNode first = entries.get(0);
        assertThat(first.get("seq").asLong()).isEqualTo(4);
        assertThat(first.get("time").asText()).isEqualTo("2026-01-04T10:00:00Z");
        assertThat(first.get("node").asText()).isEqualTo("A");
        assertThat(first.get("otherChanges").asInt()).isEqualTo(1);
        JsonNode update = entries.get(1).get("changes").get(0);
        assertThat(update.get("op").asText()).isEqualTo("UPDATE");
        assertThat(update.get("key").toString()).isEqualTo("{\"id\":2}");
        assertThat(update.get("changed").toString()).isEqualTo("[\"balance\"]");
        assertThat(update.get("after").get("balance").asLong()).isEqualTo(75);
        assertThat(doc.get("shown").asLong()).isEqualTo(3);
        assertThat(doc.get("more").asBoolean()).isFalse();
        assertThat(doc.get("ledgerSize").asLong()).isEqualTo(6);
    }

    @Test
    void badRangesAndTimesAreUsageErrors() {
        assertThat(run("log", url, "--from", "9").err()).contains("--from 9 is past the ledger's end: it has 6 entries");
        assertThat(run("log", url, "--from", "4", "--to", "2").err()).contains("--to 2 is before --from 4");
        Run badTime = run("log", url, "--since", "yesterday");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("--since takes a time such as");
    }
}
