package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.DdlChange;
import io.ledgerjdbc.ledger.entry.EntryCodec;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.entry.RowChange;
import io.ledgerjdbc.ledger.store.LedgerStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The audit trail: the ledger's entries, oldest first, each with its commit time, node, transaction and one line
 * per change, narrowed by seq range, table, time window and node. It reads the entries as stored and does not
 * check them: {@code verify} is what checks.
 */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"List the ledger's entries, oldest first: seq, commit time, node, transaction, and each change "
                + "(INSERT → new row, UPDATE with the columns it changed, DELETE with the row it removed, DDL).",
                "Narrow it by seq range, table, time window and node. It reads what is stored; verify checks it."})
final class LogCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    LedgerCli cli;

    @Parameters(index = "0", paramLabel = "URL", description = "jdbc:ledger:... or the raw jdbc:... URL of the database.")
    String url;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "First entry (default 1).")
    long from;

    @Option(names = "--to", paramLabel = "SEQ", description = "Last entry (default: the newest).")
    Long to;

    @Option(names = "--table", paramLabel = "TABLE", split = ",",
            description = "Only changes to these tables (repeatable or comma-separated; case does not matter, schema optional).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only entries committed at or after TIME: 2026-01-31T12:00:00Z, 2026-01-31T12:00 or 2026-01-31 (UTC), "
                    + "or an age such as 30m, 12h, 7d.")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only entries committed before TIME (same forms as --since).")
    String until;

    @Option(names = "--node", paramLabel = "NODE", description = "Only entries this node originated.")
    String node;

    @Option(names = "--limit", paramLabel = "N", description = "Show at most N entries (then say that more match).")
    Long limit;

    @Option(names = "--json", description = "Print one JSON document: the entries (as in history) and a summary.")
    boolean json;

    @Mixin
    Verbosity verbosity;

    /** Ends the scan early: the entries after {@code --to} (or beyond the limit) are not read. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** How the entries are written: text lines or a streamed JSON array. */
    private interface Sink {
        void entry(LedgerEntry e, List<Change> shown, int others) throws IOException;
    }

    @Override
    public Integer call() throws Exception {
        if (from < 1) {
            throw new ParameterException(spec.commandLine(), "--from must be 1 or more, was " + from);
        }
        if (to != null && to < from) {
            throw new ParameterException(spec.commandLine(), "--to " + to + " is before --from " + from);
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be 1 or more, was " + limit);
        }
        Instant now = Instant.now();
        Instant sinceTime = since == null ? null : parseTime(since, "--since", now);
        Instant untilTime = until == null ? null : parseTime(until, "--until", now);
        PrintWriter out = spec.commandLine().getOut();
        Style style = cli != null ? cli.style() : Style.PLAIN;
        try (Connection c = connection.openLedger(url)) {
            LedgerStore store = LedgerStore.of(c);
            long size = store.size(c);
            UserError.checkFrom(from, size);
            long last = to == null ? size : Math.min(to, size);
            long[] shown = {0};
            long[] changes = {0};
            boolean[] more = {false};
            long[] range = {0, 0};
            JsonGenerator g = json ? JsonOut.generator(out) : null;
            Sink sink = json ? (e, list, others) -> {
                g.writeStartObject();
                EntryFormat.entryFields(g, e);
                g.writeArrayFieldStart("changes");
                for (Change ch : list) {
                    g.writeStartObject();
                    EntryFormat.changeFields(g, ch);
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (others > 0) g.writeNumberField("otherChanges", others);
                g.writeEndObject();
            } : (e, list, others) -> {
                out.println(EntryFormat.header(e));
                for (Change ch : list) {
                    out.println("  " + EntryFormat.change(ch, style));
                }
                if (others > 0) {
                    out.println("  (+" + others + " change" + (others == 1 ? "" : "s") + " to other tables)");
                }
            };
            if (g != null) {
                g.writeStartObject();
                g.writeArrayFieldStart("entries");
            }
            try {
                store.scan(c, from, stored -> {
                    if (stored.seq() > last) throw new Stop();
                    LedgerEntry e;
                    try {
                        e = EntryCodec.decode(stored.entry());
                    } catch (RuntimeException malformed) {
                        return; // verify reports it
                    }
                    if ((node != null && !node.equals(e.originNode()))
                            || (sinceTime != null && e.commitTime().isBefore(sinceTime))
                            || (untilTime != null && !e.commitTime().isBefore(untilTime))) {
                        return;
                    }
                    List<Change> list = new ArrayList<>();
                    for (Change ch : e.changes()) {
                        if (tables.isEmpty() || tables.stream().anyMatch(t -> EntryFormat.sameTable(t, tableOf(ch)))) list.add(ch);
                    }
                    if (list.isEmpty()) return;
                    if (limit != null && shown[0] == limit) {
                        more[0] = true;
                        throw new Stop();
                    }
                    try {
                        sink.entry(e, list, e.changes().size() - list.size());
                    } catch (IOException io) {
                        throw new UncheckedIOException(io);
                    }
                    if (shown[0]++ == 0) range[0] = e.seq();
                    range[1] = e.seq();
                    changes[0] += list.size();
                });
            } catch (Stop done) {
                // the range ends here
            }
            if (g != null) {
                g.writeEndArray();
                g.writeNumberField("shown", shown[0]);
                g.writeNumberField("changes", changes[0]);
                g.writeBooleanField("more", more[0]);
                g.writeNumberField("ledgerSize", size);
                g.writeEndObject();
                g.close();
                out.println();
            } else {
                out.println(shown[0] == 0 ? "no entry matches (the ledger has " + size + " entr" + (size == 1 ? "y" : "ies") + ")"
                        : shown[0] + " entr" + (shown[0] == 1 ? "y" : "ies") + " (seq " + range[0] + ".." + range[1] + "), " + changes[0]
                                + " change" + (changes[0] == 1 ? "" : "s") + "; the ledger has " + size
                                + (more[0] ? "; more match: raise --limit or start --from " + (range[1] + 1) : ""));
            }
        }
        return LedgerCli.CLEAN;
    }

    private static String tableOf(Change c) {
        return c instanceof RowChange rc ? rc.table() : ((DdlChange) c).object();
    }

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    /** An instant, a UTC date-time or date, or an age before {@code now} ({@code 30m}, {@code 7d}). */
    private Instant parseTime(String text, String option, Instant now) {
        String t = text.strip();
        Matcher age = AGE.matcher(t);
        if (age.matches()) {
            long n = Long.parseLong(age.group(1));
            Duration d = switch (age.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDateTime) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDate) {
            throw new ParameterException(spec.commandLine(), option + " takes a time such as 2026-01-31T12:00:00Z, 2026-01-31T12:00 "
                    + "or 2026-01-31 (UTC), or an age such as 30m, 12h or 7d; not '" + text + "'");
        }
    }
}
