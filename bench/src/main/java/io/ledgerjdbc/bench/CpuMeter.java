package io.ledgerjdbc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time this JVM spent during a measuring window, split by the threads that spent it: the clients, the
 * Raft runner of the leader (append, send, acknowledgements, the leader's apply), the runners of the followers
 * (their appends and applies), the JGroups transport threads, and the rest of the process (GC, JIT, database
 * background threads). Divided by the commits of the window it says what one commit costs, and where: on a
 * 2-core machine that hosts all three members, CPU per commit bounds the commit rate. The stack sampler's own
 * CPU is left out.
 */
final class CpuMeter {

    static final String[] KINDS = {"clients", "leader runner", "follower runners", "JGroups transport", "rest of process"};

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, String> runnerOwners;
    private final String leaderId;
    private final String clusterName;
    private Map<Long, Long> startCpu;
    private long startProcess;

    CpuMeter(Map<Long, String> runnerOwners, String leaderId, String clusterName) {
        this.runnerOwners = runnerOwners;
        this.leaderId = leaderId;
        this.clusterName = clusterName;
    }

    private long startGcMillis;
    private long startJitMillis;

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    private static long jitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    void start() {
        startGcMillis = gcMillis();
        startJitMillis = jitMillis();
        startCpu = snapshot();
        startProcess = os.getProcessCpuTime();
    }

    /** Nanoseconds of CPU per kind (see {@link #KINDS}) since {@link #start}. */
    Map<String, Long> stop() {
        long process = os.getProcessCpuTime() - startProcess;
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : KINDS) out.put(k, 0L);
        long attributed = 0;
        long profiler = 0;
        Map<String, Long> unattributed = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long now = threads.getThreadCpuTime(t.getId());
            if (now < 0) continue;
            long spent = now - startCpu.getOrDefault(t.getId(), 0L);
            String kind = kind(t);
            if (t.getName().equals(StackSampler.THREAD_NAME)) {
                profiler += spent; // the measurement's own cost, not the system's
            } else if (kind != null) {
                out.merge(kind, spent, Long::sum);
                attributed += spent;
            } else {
                unattributed.merge(t.getName().replaceAll("[0-9]+", "#"), spent, Long::sum);
            }
        }
        long rest = Math.max(0, process - attributed - profiler);
        out.put("rest of process", rest);
        long named = unattributed.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder top = new StringBuilder("    rest of process: " + rest / 1_000_000 + " ms CPU, of which threads ");
        unattributed.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                .forEach(e -> top.append(e.getKey()).append(' ').append(e.getValue() / 1_000_000).append(" ms, "));
        top.append("GC/JIT/VM threads ").append(Math.max(0, rest - named) / 1_000_000).append(" ms (GC pauses ")
                .append(gcMillis() - startGcMillis).append(" ms, JIT compiling ").append(jitMillis() - startJitMillis).append(" ms)");
        System.err.println(top);
        return out;
    }

    private String kind(Thread t) {
        String name = t.getName();
        if (name.startsWith("bench-client-")) return "clients";
        String owner = runnerOwners.get(t.getId());
        if (owner != null) return owner.equals(leaderId) ? "leader runner" : "follower runners";
        // JGroups names its threads "<name>-<n>,<cluster>,<member>"
        if (name.contains("," + clusterName + ",")) return "JGroups transport";
        return null;
    }

    private Map<Long, Long> snapshot() {
        Map<Long, Long> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = threads.getThreadCpuTime(t.getId());
            if (cpu >= 0) m.put(t.getId(), cpu);
        }
        return m;
    }
}
