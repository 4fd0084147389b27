package io.ledgerjdbc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A poor man's profiler for {@link ClusterBench}: samples the stacks of the benchmark's client threads and of the
 * jgroups-raft runner threads (the one thread per member that appends, sends, handles acknowledgements and
 * applies) every few milliseconds and counts each sample under the phase its stack shows. Safepoint-biased and
 * intrusive, but enough to say where a commit's time goes.
 */
final class StackSampler {

    private static final long INTERVAL_MILLIS = 5;
    static final String THREAD_NAME = "bench-stack-sampler";

    /** Phases, most specific first: a sample counts under the first rule whose frames all appear in its stack. */
    private static final List<Rule> RULES = List.of(
            new Rule("Raft log fsync", "FileChannelImpl.force"),
            new Rule("Raft log write/read (FileBasedLog)", "FileBasedLog."),
            new Rule("apply: certification read", "ClusterApplier.read"),
            new Rule("apply: row insert", "ClusterApplier.insert"),
            new Rule("apply: ledger entry (hash, Merkle, insert)", "ClusterApplier.apply", "LedgerStore.append"),
            new Rule("apply: ordinal update", "ClusterApplier.writeOrdinal"),
            new Rule("apply: waiting out a busy database (10 ms sleeps)", "ClusterApplier.pause"),
            new Rule("apply: database commit", "ClusterApplier.apply", "Connection.commit"),
            new Rule("apply: identity advance", "IdentityAdvance."),
            new Rule("apply: other", "ClusterApplier."),
            new Rule("apply: decode write-set", "Command.decode"),
            new Rule("apply: state machine other", "ReplicaStateMachine.apply"),
            new Rule("client: wait for local apply", "ReplicaStateMachine.awaitApplied"),
            new Rule("client: wait for the Raft commit", "ClusterMember.submit", "CompletableFuture"),
            new Rule("client: submit (encode, hand to RAFT)", "ClusterMember.submit"),
            new Rule("client: rehearsal rollback", "LedgerTransaction.commitThroughCluster"),
            new Rule("client: capture", "RowCapture."),
            new Rule("client: rehearsal statement (parse cache, execute)", "io.ledgerjdbc.driver."),
            new Rule("runner: idle, waiting for requests", "RAFT.processQueue", "ArrayBlockingQueue.poll"),
            new Rule("runner: send (TCP)", "RAFT.process", "org.jgroups.blocks.cs."),
            new Rule("runner: Raft bookkeeping", "org.jgroups.protocols.raft."));

    private record Rule(String label, String... frames) {
        boolean matches(StackTraceElement[] stack) {
            for (String f : frames) {
                boolean found = false;
                for (StackTraceElement e : stack) {
                    if ((e.getClassName() + "." + e.getMethodName()).contains(f)) {
                        found = true;
                        break;
                    }
                }
                if (!found) return false;
            }
            return true;
        }
    }

    private final Map<Long, String> runnerOwners;
    private final String leaderId;
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
    private final Map<String, Integer> totals = new TreeMap<>();
    /** Per kind and phase, the innermost frames seen (to name what a phase spends its time in). */
    private final Map<String, Map<String, Integer>> leaves = new TreeMap<>();
    private volatile boolean running;
    private Thread thread;

    /**
     * @param runnerOwners the member each Raft runner thread belongs to, by thread id
     * @param leaderId     the leader's member id
     */
    StackSampler(Map<Long, String> runnerOwners, String leaderId) {
        this.runnerOwners = runnerOwners;
        this.leaderId = leaderId;
    }

    void start() {
        List<Long> ids = new ArrayList<>();
        Map<Long, String> kinds = new LinkedHashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String kind = kind(t);
            if (kind != null) {
                ids.add(t.getId());
                kinds.put(t.getId(), kind);
            }
        }
        long[] idArray = ids.stream().mapToLong(Long::longValue).toArray();
        running = true;
        thread = new Thread(() -> {
            while (running) {
                for (ThreadInfo info : mx.getThreadInfo(idArray, 64)) {
                    if (info != null) count(kinds.get(info.getThreadId()), info);
                }
                try {
                    Thread.sleep(INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    /** Client threads, and the runner of each member. */
    private String kind(Thread t) {
        if (t.getName().startsWith("bench-client-")) return "client threads";
        String owner = runnerOwners.get(t.getId());
        if (owner != null) {
            return owner.equals(leaderId) ? "Raft runner of the leader" : "Raft runner of the followers";
        }
        return null;
    }

    private void count(String kind, ThreadInfo info) {
        StackTraceElement[] stack = info.getStackTrace();
        String label = null;
        for (Rule r : RULES) {
            if (r.matches(stack)) {
                label = r.label();
                break;
            }
        }
        if (label == null) {
            label = stack.length == 0 ? "(no stack)" : "other: " + stack[0].getClassName() + "." + stack[0].getMethodName();
        }
        counts.computeIfAbsent(kind, k -> new TreeMap<>()).merge(label, 1, Integer::sum);
        if (stack.length > 0) {
            leaves.computeIfAbsent(kind + "\u0000" + label, k -> new TreeMap<>())
                    .merge(frame(stack[0]) + caller(stack) + " (" + info.getThreadState() + ")", 1, Integer::sum);
        }
        totals.merge(kind, 1, Integer::sum);
    }

    record Report(String text) {
        String format() {
            return text;
        }
    }

    private static String frame(StackTraceElement e) {
        return e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName();
    }

    /** The innermost frame outside the JDK, when the innermost one is in it: who asked the JDK to park, write, .... */
    private static String caller(StackTraceElement[] stack) {
        if (!isJdk(stack[0])) return "";
        for (StackTraceElement e : stack) {
            if (!isJdk(e)) return " ← " + frame(e);
        }
        return "";
    }

    private static boolean isJdk(StackTraceElement e) {
        String c = e.getClassName();
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.");
    }

    private String topLeaf(String kind, String label, int n) {
        Map<String, Integer> m = leaves.get(kind + "\u0000" + label);
        if (m == null) return "";
        Map.Entry<String, Integer> top = m.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return String.format(Locale.ROOT, "   [innermost: %s %.0f %%]", top.getKey(), 100.0 * top.getValue() / n);
    }

    /** Per thread kind, the phases with their share of samples, largest first (the top 10). */
    Report report() {
        StringBuilder sb = new StringBuilder();
        counts.forEach((kind, byLabel) -> {
            int total = totals.get(kind);
            sb.append(String.format(Locale.ROOT, "%s (%,d samples):%n", kind, total));
            byLabel.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
                    .forEach(e -> sb.append(String.format(Locale.ROOT, "  %5.1f %%  %s%s%n", 100.0 * e.getValue() / total, e.getKey(),
                            topLeaf(kind, e.getKey(), e.getValue()))));
        });
        return new Report(sb.toString().stripTrailing());
    }
}
