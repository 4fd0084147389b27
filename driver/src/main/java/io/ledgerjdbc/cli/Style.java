package io.ledgerjdbc.cli;

import picocli.CommandLine.Help.Ansi;

/** Colours for text output, only on a terminal (never in files, pipes or tests). */
final class Style {

    static final Style PLAIN = new Style(false);

    private final boolean on;

    Style(boolean on) {
        this.on = on;
    }

    private String wrap(Ansi.IStyle style, String s) {
        return on ? style.on() + s + style.off() : s;
    }

    String bad(String s) {
        return wrap(Ansi.Style.fg_red, s);
    }

    String good(String s) {
        return wrap(Ansi.Style.fg_green, s);
    }

    String changed(String s) {
        return on ? Ansi.Style.bold.on() + Ansi.Style.fg_yellow.on() + s + Ansi.Style.reset.on() : s;
    }

    String dim(String s) {
        return wrap(Ansi.Style.faint, s);
    }
}
