package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.diff.LedgerDiff;
import io.ledgerjdbc.ledger.diff.SyncGroups;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare the ledgers of several databases: equal, one a prefix of another (how far behind), or diverged "
                + "at a first seq found by descending the Merkle trees (O(log n) row reads, no scan), with both entries side by side.",
                "With three or more URLs, print the sync groups: which databases hold the same history.",
                "Exit code 0 only when all are equal. Compares stored hashes: run verify on each to check those."})
final class DiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    LedgerCli cli;

    @Parameters(arity = "2..*", paramLabel = "URL", description = "Two or more database URLs (ledger or raw).")
    List<String> urls;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        try (OpenLedgers ledgers = new OpenLedgers(connection, urls)) {
            java.util.function.BiFunction<Integer, Integer, LedgerDiff.Result> compare = ledgers::compare;
            PrintWriter out = spec.commandLine().getOut();
            if (urls.size() == 2) {
                LedgerDiff.Result r = compare.apply(0, 1);
                if (json) pairJson(out, r); else pairText(out, r);
                return r.relation() == LedgerDiff.Relation.EQUAL ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
            }
            List<SyncGroups.Group> groups = ledgers.syncGroups();
            for (int a = 0; a < groups.size(); a++) {
                for (int b = a + 1; b < groups.size(); b++) {
                    compare.apply(groups.get(a).leader().index(), groups.get(b).leader().index()); // before counting rows
                }
            }
            long rows = ledgers.rowsRead();
            if (json) groupsJson(out, groups, compare, rows); else groupsText(out, groups, compare, rows);
            boolean allEqual = groups.size() == 1 && groups.get(0).members().stream().allMatch(m -> m.behind() == 0);
            return allEqual ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
        }
    }

    private String name(int i) {
        return "[" + (i + 1) + "] " + ConnectionOptions.redacted(urls.get(i));
    }

    private void pairText(PrintWriter out, LedgerDiff.Result r) {
        Style style = cli != null ? cli.style() : Style.PLAIN;
        switch (r.relation()) {
            case EQUAL -> out.println(style.good("EQUAL") + ": both ledgers have " + r.sizeA() + " entries with the same root");
            case PREFIX -> {
                int behind = r.sizeA() < r.sizeB() ? 0 : 1;
                out.println(style.bad("PREFIX") + ": " + name(behind) + " is " + r.behind() + " entr" + (r.behind() == 1 ? "y" : "ies")
                        + " behind " + name(1 - behind) + " (" + Math.min(r.sizeA(), r.sizeB()) + " of " + Math.max(r.sizeA(), r.sizeB())
                        + "); its entries are a prefix of the other's");
            }
            case DIVERGED -> {
                out.println(style.bad("DIVERGED") + " at seq " + r.firstDivergentSeq() + ": entries 1.." + (r.firstDivergentSeq() - 1)
                        + " are identical; sizes " + r.sizeA() + " and " + r.sizeB());
                EntryFormat.sideBySide(name(0), EntryFormat.lines(r.entryA()), name(1), EntryFormat.lines(r.entryB()), 60)
                        .forEach(out::println);
            }
        }
        out.println("rows read: " + r.rowsRead());
    }

    private void pairJson(PrintWriter out, LedgerDiff.Result r) throws Exception {
        try (JsonGenerator g = JsonOut.generator(out)) {
            g.writeStartObject();
            g.writeStringField("relation", r.relation().name());
            g.writeArrayFieldStart("ledgers");
            for (int i = 0; i < 2; i++) {
                g.writeStartObject();
                g.writeStringField("url", ConnectionOptions.redacted(urls.get(i)));
                g.writeNumberField("size", i == 0 ? r.sizeA() : r.sizeB());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("behind", r.behind());
            if (r.relation() == LedgerDiff.Relation.DIVERGED) {
                g.writeNumberField("firstDivergentSeq", r.firstDivergentSeq());
                g.writeArrayFieldStart("entries");
                EntryFormat.stored(g, r.entryA());
                EntryFormat.stored(g, r.entryB());
                g.writeEndArray();
            }
            g.writeNumberField("rowsRead", r.rowsRead());
            g.writeEndObject();
            g.flush();
        }
        out.println();
    }

    private void groupsText(PrintWriter out, List<SyncGroups.Group> groups,
                            java.util.function.BiFunction<Integer, Integer, LedgerDiff.Result> compare, long rows) {
        Style style = cli != null ? cli.style() : Style.PLAIN;
        out.println(groups.size() == 1 ? style.good("1 sync group") : style.bad(groups.size() + " sync groups") + " (histories diverged)");
        for (int gi = 0; gi < groups.size(); gi++) {
            SyncGroups.Group g = groups.get(gi);
            out.println("group " + (gi + 1) + ": " + g.leader().size() + " entries");
            for (SyncGroups.Member m : g.members()) {
                out.println("  " + name(m.index()) + ": " + m.size() + (m.behind() == 0 ? "" : " (" + m.behind() + " behind)"));
            }
        }
        for (int a = 0; a < groups.size(); a++) {
            for (int b = a + 1; b < groups.size(); b++) {
                LedgerDiff.Result r = compare.apply(groups.get(a).leader().index(), groups.get(b).leader().index());
                out.println("group " + (a + 1) + " and group " + (b + 1) + " diverge at seq " + r.firstDivergentSeq());
            }
        }
        out.println("rows read: " + rows);
    }

    private void groupsJson(PrintWriter out, List<SyncGroups.Group> groups,
                            java.util.function.BiFunction<Integer, Integer, LedgerDiff.Result> compare, long rows) throws Exception {
        try (JsonGenerator g = JsonOut.generator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("groups");
            for (SyncGroups.Group group : groups) {
                g.writeStartObject();
                g.writeNumberField("size", group.leader().size());
                g.writeArrayFieldStart("members");
                for (SyncGroups.Member m : group.members()) {
                    g.writeStartObject();
                    g.writeStringField("url", ConnectionOptions.redacted(urls.get(m.index())));
                    g.writeNumberField("size", m.size());
                    g.writeNumberField("behind", m.behind());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("divergences");
            for (int a = 0; a < groups.size(); a++) {
                for (int b = a + 1; b < groups.size(); b++) {
                    LedgerDiff.Result r = compare.apply(groups.get(a).leader().index(), groups.get(b).leader().index());
                    g.writeStartObject();
                    g.writeNumberField("groupA", a + 1);
                    g.writeNumberField("groupB", b + 1);
                    g.writeNumberField("firstDivergentSeq", r.firstDivergentSeq());
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeNumberField("rowsRead", rows);
            g.writeEndObject();
            g.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.println();
    }
}
