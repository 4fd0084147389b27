package io.ledgerjdbc.cli;

import io.ledgerjdbc.ledger.store.LedgerMeta;
import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerjdbc.driver.cluster.MembershipRequests;
import io.ledgerjdbc.driver.cluster.StatusJson;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cluster list | add | remove}: the cluster's member list, kept in its Raft log, read and changed through
 * running members' databases (see {@link MembershipRequests}).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Show or change the cluster's members while it runs. The member list lives in the Raft log: a change"
                + " is ordered like a write and holds on every member, whatever ledger.members says.",
                "These commands go through a running member's database (about a second each way), so they need its URL and"
                        + " credentials, not a place in the cluster. Add a member before you start it; remove a dead member"
                        + " to restore the majority; see docs/operations.md, \"Adding, removing and replacing members\"."},
        subcommands = {ClusterCommand.ListMembers.class, ClusterCommand.Add.class, ClusterCommand.Remove.class})
final class ClusterCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Print the member list each member reports (its Raft log's), its role and leader, and the"
                    + " ledger.members line that matches it.",
                    "Exit code 0 when every member reports the same list, 1 otherwise (or when one reports none)."})
    static final class ListMembers implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "URL", description = "Members' database URLs (ledger or raw).")
        List<String> urls;

        @Mixin
        ConnectionOptions connection;

        @Mixin
        Verbosity verbosity;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Set<String> lists = new LinkedHashSet<>();
            boolean missing = false;
            out.printf("%-8s %-9s %-8s %-24s %s%n", "node", "role", "leader", "members", "url");
            for (String url : urls) {
                JsonNode s;
                try (Connection c = connection.openLedger(url)) {
                    s = StatusJson.readFrom(c);
                }
                if (s == null || !s.has("members") || s.get("members").isEmpty()) {
                    missing = true;
                    out.printf("%-8s %-9s %-8s %-24s %s%n", "-", "-", "-", "(no member status)", ConnectionOptions.redacted(url));
                    continue;
                }
                List<String> members = new ArrayList<>();
                s.get("members").forEach(m -> members.add(m.asText()));
                lists.add(String.join(",", members.stream().sorted().toList()));
                out.printf("%-8s %-9s %-8s %-24s %s%n", s.path("node").asText("-"), s.path("role").asText("-"),
                        s.path("leader").asText("-"), String.join(",", members), ConnectionOptions.redacted(url));
            }
            if (lists.size() == 1) {
                out.println("every member reports the members " + lists.iterator().next()
                        + "; ledger.members should name exactly these (id=host:port each)");
            } else if (lists.size() > 1) {
                out.println("the members report different lists " + lists + ": a change is still being applied, or a member"
                        + " is stopped behind it (it catches up when it runs)");
            }
            return lists.size() == 1 && !missing ? LedgerCli.CLEAN : LedgerCli.FINDINGS;
        }
    }

    /** What add and remove share: the request, the wait, the answer. */
    abstract static class Change implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The member id (as in ledger.node).")
        String member;

        @Parameters(index = "1", paramLabel = "URL", description = "The database URL of a running member (ledger or raw).")
        String url;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "How long to wait for the member's answer (default 30).")
        int timeout;

        @Mixin
        ConnectionOptions connection;

        @Mixin
        Verbosity verbosity;

        @Spec
        CommandSpec spec;

        abstract boolean add();

        @Override
        public Integer call() throws Exception {
            if (!member.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new UserError("a member id is 1-64 letters, digits, '_', '.' and '-': " + member);
            }
            if (timeout < 1) {
                throw new UserError("--timeout must be at least 1 second, was " + timeout);
            }
            PrintWriter out = spec.commandLine().getOut();
            String id = UUID.randomUUID().toString();
            String request = MembershipRequests.request(id, add(), member);
            try (Connection c = connection.openLedger(url)) {
                String pending = LedgerMeta.get(c, MembershipRequests.REQUEST_KEY);
                if (pending != null) {
                    throw new UserError("another membership request waits in " + ConnectionOptions.redacted(url) + " (" + pending
                            + "): one change at a time; if no member runs on this database, remove the row with key "
                            + MembershipRequests.REQUEST_KEY + " from ledger_meta");
                }
                LedgerMeta.put(c, MembershipRequests.REQUEST_KEY, request);
                long deadline = System.nanoTime() + timeout * 1_000_000_000L;
                while (System.nanoTime() < deadline) {
                    JsonNode answer = MembershipRequests.read(LedgerMeta.get(c, MembershipRequests.ANSWER_KEY));
                    if (answer != null && id.equals(answer.path("id").asText())) {
                        String message = answer.path("message").asText();
                        if (answer.path("done").asBoolean()) {
                            out.println((add() ? "added " : "removed ") + member + ": " + message);
                            return LedgerCli.CLEAN;
                        }
                        spec.commandLine().getErr().println("error: " + (add() ? "adding " : "removing ") + member + " failed: " + message);
                        return LedgerCli.FINDINGS;
                    }
                    Thread.sleep(200);
                }
                if (MembershipRequests.delete(c, MembershipRequests.REQUEST_KEY, request)) {
                    throw new UserError("no member took the request within " + timeout + " s: is a member running on "
                            + ConnectionOptions.redacted(url) + "? (the request was withdrawn; nothing changed)");
                }
                throw new UserError("the member took the request but did not answer within " + timeout + " s; the change may"
                        + " still commit: check with `cluster list`");
            } catch (SQLException e) {
                throw new SQLException("cannot reach the member's database " + ConnectionOptions.redacted(url) + ": " + e.getMessage(),
                        e.getSQLState(), e.getErrorCode(), e);
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add member ID to the cluster through the running member whose database is URL; it returns once"
                    + " the change is committed. Then start the new member with ledger.members naming every member: it"
                    + " installs the ledger from its peers and votes.",
                    "Exit code 0 when added, 1 when the cluster refused it (the reason is printed), 2 on an error."})
    static final class Add extends Change {
        @Override
        boolean add() {
            return true;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove member ID from the cluster through the running member whose database is URL. A running"
                    + " member that is removed leaves the cluster; a dead one stops counting toward the majority.",
                    "Exit code 0 when removed, 1 when the cluster refused it (the reason is printed), 2 on an error."})
    static final class Remove extends Change {
        @Override
        boolean add() {
            return false;
        }
    }
}
