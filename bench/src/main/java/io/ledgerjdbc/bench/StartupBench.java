package io.ledgerjdbc.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The driver's footprint when an application starts: for each class path under test (the old fat jar, the new
 * all-in-one jar, the thin artifact with its dependency jars), side by side in the same run, rounds interleaved,
 * a new JVM opens its first {@code jdbc:ledger:} connection to a fresh database and commits one write
 * ({@link FirstConnection}). Prints the medians and the class path's jar count and size. Run from the repository
 * root after {@code mvn -B -q package -DskipTests}:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.ledgerjdbc.bench.StartupBench [--rounds 15] [--backend sqlite|h2] \
 *     old=/tmp/ledgerjdbc-old.jar shaded=driver/target/ledgerjdbc.jar \
 *     thin=driver/target/ledgerjdbc-driver-0.1.0-SNAPSHOT.jar:@driver/target/thin-classpath.txt
 * </pre>
 * A variant is {@code name=path[:path…]}; a part {@code @file} is replaced by the class path in that file (the
 * driver build writes {@code driver/target/thin-classpath.txt}: the thin jar's run-time dependencies, the four
 * backends included, as in the all-in-one jar).
 */
public final class StartupBench {

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 15;
        String backend = "sqlite";
        Map<String, String> variants = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--backend" -> backend = args[++i];
                default -> {
                    String[] nv = args[i].split("=", 2);
                    List<String> cp = new ArrayList<>();
                    for (String part : nv[1].split(File.pathSeparator)) {
                        cp.add(part.startsWith("@") ? Files.readString(Path.of(part.substring(1))).strip() : part);
                    }
                    variants.put(nv[0], String.join(File.pathSeparator, cp));
                }
            }
        }
        String self = Path.of(FirstConnection.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path dir = Files.createTempDirectory("startup-bench");
        Map<String, List<long[]>> samples = new LinkedHashMap<>();
        variants.keySet().forEach(v -> samples.put(v, new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) {
            for (var v : variants.entrySet()) {
                String url = backend.equals("h2") ? "jdbc:ledger:h2:" + dir.resolve(v.getKey() + "-" + round).toAbsolutePath()
                        : "jdbc:ledger:sqlite:" + dir.resolve(v.getKey() + "-" + round + ".db");
                long[] s = run(v.getValue() + File.pathSeparator + self, url);
                if (round > 0) { // round 0 warms the page cache for every variant
                    samples.get(v.getKey()).add(s);
                }
            }
        }
        System.out.printf("first connection, %s, %d rounds (medians; ms from JVM start)%n", backend, rounds);
        System.out.printf("%-8s %6s %6s %11s %14s %8s %9s%n", "variant", "jars", "MB", "connected", "first write", "process", "classes");
        for (var v : variants.entrySet()) {
            List<long[]> s = samples.get(v.getKey());
            String[] cp = v.getValue().split(File.pathSeparator);
            long bytes = Arrays.stream(cp).mapToLong(p -> new File(p).length()).sum();
            System.out.printf("%-8s %6d %6.1f %11d %14d %8d %9d%n", v.getKey(), cp.length, bytes / 1e6,
                    median(s, 0), median(s, 1), median(s, 2), median(s, 3));
        }
    }

    /** connected, first write, whole process wall time, loaded classes. */
    private static long[] run(String classpath, String url) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("java", "-Dslf4j.internal.verbosity=ERROR", "-cp", classpath, FirstConnection.class.getName(), url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("child failed: " + out);
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        String[] f = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), wall, Long.parseLong(f[2])};
    }

    private static long median(List<long[]> samples, int field) {
        long[] v = samples.stream().mapToLong(s -> s[field]).sorted().toArray();
        return v[v.length / 2];
    }
}
