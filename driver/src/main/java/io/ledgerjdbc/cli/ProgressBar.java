package io.ledgerjdbc.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, drawn only on a terminal and only once a task has run for a second, so
 * quick runs, pipes, files and tests never see it. Redrawn at most five times a second; erased when done.
 */
final class ProgressBar {

    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;
    private String label = "";
    private long total;

    ProgressBar(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    static ProgressBar none() {
        return new ProgressBar(null, false);
    }

    /** Starts a phase: {@code total} is the count at which it is complete, 0 when unknown. */
    void phase(String label, long total) {
        this.label = label;
        this.total = total;
    }

    void update(long done) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - started < SHOW_AFTER_NANOS || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        StringBuilder line = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(Math.min(100, done * 100 / total)).append("% ").append(String.format("%,d/%,d", done, total));
        } else {
            line.append(String.format("%,d", done));
        }
        err.print(line.append("   "));
        err.flush();
    }

    /** Erases the bar, so that what follows starts on a clean line. */
    void done() {
        if (drawn) {
            err.print("\r" + " ".repeat(label.length() + WIDTH + 40) + "\r");
            err.flush();
            drawn = false;
        }
    }
}
