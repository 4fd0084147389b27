package io.ledgerjdbc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ledgerjdbc.ledger.verify.Finding;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/** JSON output of the commands: a Jackson generator on the command's writer that never closes it. */
final class JsonOut {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonOut() {
    }

    static JsonGenerator generator(PrintWriter out) throws IOException {
        return FACTORY.createGenerator(new NonClosingWriter(out));
    }

    /** A finding as it is found (the verifier's sink cannot throw IOException). */
    static void finding(JsonGenerator g, Finding f) {
        try {
            EntryFormat.finding(g, f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the generator close without closing the command's output. */
    private static final class NonClosingWriter extends FilterWriter {
        NonClosingWriter(Writer w) {
            super(w);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
