package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerjdbc.driver.cluster.StatusJson;
import io.ledgerjdbc.ledger.diff.SyncGroups;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show cluster members as their databases report them: role, leader, term, commit index, applied "
                + "command, lag, ledger size and Merkle root, whether the member stopped (diverged), and the sync groups.",
                "Each member writes its status into its own database about once a second while it runs (ledger_meta), so "
                        + "this needs only the databases' URLs, not a place in the cluster; 'age' says how old each report is.",
                "With --watch it reports again every --interval seconds until interrupted (JSON: one document per line).",
                "Exit code 0 when every node is in one sync group and none diverged, 1 otherwise (with --watch: of the last report)."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    LedgerCli cli;

    @Parameters(arity = "1..*", paramLabel = "URL", description = "The members' database URLs (ledger or raw).")
    List<String> urls;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    @Option(names = "--watch", description = "Report again every --interval seconds until interrupted (Ctrl-C).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "With --watch: seconds between reports (default 2; fractions allowed).")
    double interval;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N reports.")
    Integer count;

    @Mixin
    Verbosity verbosity;

    /** What one database says about its member. */
    private record Node(String url, JsonNode status, long size, byte[] root) {
        long applied() {
            return status == null ? -1 : status.path("applied").asLong(-1);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!(interval > 0) || interval > 86_400) {
            throw new ParameterException(spec.commandLine(), "--interval must be more than 0 and at most 86400 seconds, was " + interval);
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be 1 or more, was " + count);
        }
        if ((count != null || interval != 2) && !watch) {
            throw new ParameterException(spec.commandLine(), "--interval and --count go with --watch");
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean terminal = cli != null && cli.terminal;
        try (OpenLedgers ledgers = new OpenLedgers(connection, urls)) {
            for (int n = 1; ; n++) {
                if (n > 1) {
                    ledgers.refresh();
                }
                if (watch && !json) {
                    // a terminal shows the latest report in place; a file or pipe gets them one after another
                    out.print(terminal ? "\033[H\033[2J" : n > 1 ? System.lineSeparator() : "");
                    out.println("status at " + Instant.now() + ", every " + seconds() + " (Ctrl-C to stop)");
                }
                int exit = report(ledgers, out);
                out.flush();
                if (!watch || (count != null && n >= count)) {
                    return exit;
                }
                Thread.sleep(Math.round(interval * 1000));
            }
        }
    }

    private String seconds() {
        return (interval == Math.rint(interval) ? Long.toString((long) interval) : Double.toString(interval)) + " s";
    }

    /** One report of every node; its exit code. */
    private int report(OpenLedgers ledgers, PrintWriter out) throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < ledgers.count(); i++) {
            Connection c = ledgers.connection(i);
            nodes.add(new Node(urls.get(i), readStatus(c), ledgers.size(i), ledgers.store(i).root(c, ledgers.size(i))));
        }
        List<SyncGroups.Group> groups = ledgers.syncGroups();
        long maxApplied = nodes.stream().mapToLong(Node::applied).max().orElse(-1);
        if (json) {
            json(out, nodes, groups, maxApplied);
        } else {
            text(out, nodes, groups, maxApplied);
        }
        boolean diverged = nodes.stream().anyMatch(n -> n.status != null && n.status.hasNonNull("diverged"));
        return groups.size() == 1 && !diverged ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
    }

    private static JsonNode readStatus(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = ?")) {
            ps.setString(1, StatusJson.META_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? StatusJson.read(rs.getString(1)) : null;
            }
        }
    }

    private void text(PrintWriter out, List<Node> nodes, List<SyncGroups.Group> groups, long maxApplied) {
        Style style = cli != null ? cli.style() : Style.PLAIN;
        out.printf("%-3s %-8s %-9s %-8s %6s %10s %10s %6s %10s  %-16s %8s  %s%n", "#", "node", "role", "leader", "term",
                "commit", "applied", "lag", "entries", "root", "age", "url");
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            JsonNode s = n.status;
            String root = HexFormat.of().formatHex(n.root, 0, 8);
            if (s == null) {
                out.printf("%-3s %-8s %-9s %-8s %6s %10s %10s %6s %10d  %-16s %8s  %s%n", i + 1, "-", "standalone", "-", "-", "-", "-",
                        "-", n.size, root, "-", ConnectionOptions.redacted(n.url));
                continue;
            }
            long age = Math.max(0, System.currentTimeMillis() - s.path("at").asLong()) / 1000;
            out.printf("%-3s %-8s %-9s %-8s %6d %10d %10d %6d %10d  %-16s %7ds  %s%n", i + 1, s.path("node").asText(),
                    s.path("role").asText(), s.path("leader").asText("-"), s.path("term").asLong(), s.path("commitIndex").asLong(),
                    n.applied(), maxApplied - n.applied(), n.size, root, age, ConnectionOptions.redacted(n.url));
            if (s.hasNonNull("diverged")) {
                out.println("    " + style.bad("DIVERGED") + ": " + s.path("diverged").asText());
            }
        }
        out.println(groups.size() == 1 ? style.good("1 sync group") : style.bad(groups.size() + " sync groups") + " (histories diverged)");
        for (int g = 0; g < groups.size(); g++) {
            StringBuilder line = new StringBuilder("group " + (g + 1) + ":");
            for (SyncGroups.Member m : groups.get(g).members()) {
                line.append(" [").append(m.index() + 1).append("]").append(m.behind() > 0 ? " (" + m.behind() + " behind)" : "");
            }
            out.println(line);
        }
    }

    private void json(PrintWriter out, List<Node> nodes, List<SyncGroups.Group> groups, long maxApplied) throws Exception {
        try (JsonGenerator g = JsonOut.generator(out)) {
            g.writeStartObject();
            g.writeStringField("at", Instant.now().toString());
            g.writeArrayFieldStart("nodes");
            for (Node n : nodes) {
                g.writeStartObject();
                g.writeStringField("url", ConnectionOptions.redacted(n.url));
                g.writeNumberField("entries", n.size);
                g.writeStringField("root", HexFormat.of().formatHex(n.root));
                if (n.status != null) {
                    g.writeFieldName("status");
                    g.writeRawValue(n.status.toString());
                    g.writeNumberField("lag", maxApplied - n.applied());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("syncGroups");
            for (SyncGroups.Group group : groups) {
                g.writeStartArray();
                for (SyncGroups.Member m : group.members()) {
                    g.writeStartObject();
                    g.writeNumberField("node", m.index() + 1);
                    g.writeNumberField("behind", m.behind());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        }
        out.println();
    }
}
