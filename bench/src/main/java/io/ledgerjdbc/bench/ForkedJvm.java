package io.ledgerjdbc.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a harness's measurement in a child JVM with fixed options, like JMH does: with G1 (the default) on the
 * 2-core project machine, young pauses of 100-500 ms while an in-memory H2 table grows swung single rounds by 10×
 * (measured per second with DriverBench --trace); the parallel collector with a fixed heap gave steady rounds. Raw
 * and ledger run in the same child, so ratios stay side-by-side comparisons. {@code --jvm-args "..."} replaces the
 * options; {@code --no-fork} measures in the JVM as started.
 */
final class ForkedJvm {

    static final String DEFAULT_JVM_ARGS = "-XX:+UseParallelGC -Xms4g -Xmx4g";
    private static final String CHILD = "ledgerbench.child";

    private ForkedJvm() {
    }

    /** A harness's two steps: read the options (IllegalArgumentException with a precise message), then measure. */
    interface Harness {
        void parse(String[] args);

        void run() throws Exception;
    }

    /**
     * A harness's {@code main}: forks the measuring JVM unless this is it (or {@code --no-fork}); in it, parses the
     * options — on a bad one prints the message and {@code usage} and exits 2 — and runs.
     */
    static void main(Class<?> main, String[] args, String usage, Harness harness) throws Exception {
        if (!measureHere(args)) {
            System.exit(run(main, args));
        }
        try {
            harness.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: " + main.getSimpleName() + " " + usage);
            System.exit(2);
        }
        harness.run();
    }

    /** True when {@code main} should measure here: in the child, or with {@code --no-fork}. */
    static boolean measureHere(String[] args) {
        return Boolean.getBoolean(CHILD) || List.of(args).contains("--no-fork");
    }

    /** Runs {@code main} with {@code args} (less {@code --jvm-args V}) in a child JVM; returns its exit code. */
    static int run(Class<?> main, String[] args) throws IOException, InterruptedException {
        String jvmArgs = DEFAULT_JVM_ARGS;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jvm-args") && i + 1 < args.length) {
                jvmArgs = args[++i];
            } else {
                rest.add(args[i]);
            }
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String a : jvmArgs.trim().split("\\s+")) {
            if (!a.isEmpty()) cmd.add(a);
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("ledgerjdbc.")) { // -Dledgerjdbc.pg.url, -Dledgerjdbc.bench.seal, …
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        List<String> shown = List.copyOf(cmd);
        cmd.addAll(List.of("-D" + CHILD + "=true", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(rest);
        System.err.println("forking the measuring JVM: " + String.join(" ", shown) + " ...");
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        return p.waitFor();
    }
}
