package io.ledgerjdbc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's load average, printed with every figure: the project machine is shared by several engineers'
 * builds, and a ratio measured at load 8 on 2 cores means less than one at load 1.
 */
final class MachineLoad {

    private MachineLoad() {
    }

    /** The 1-minute load average (from /proc/loadavg), or NaN where there is none. */
    static double oneMinute() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** "a–b" of two 1-minute load averages, for a table cell. */
    static String range(double a, double b) {
        return String.format(java.util.Locale.ROOT, "%.1f–%.1f", Math.min(a, b), Math.max(a, b));
    }
}
