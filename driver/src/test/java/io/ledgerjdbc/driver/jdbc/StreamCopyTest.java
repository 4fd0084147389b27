package io.ledgerjdbc.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** The copies behind the stream setters: lengths respected, null kept, read errors reported as SQLExceptions. */
class StreamCopyTest {

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLengthBoundsTheCopyAndANegativeOneReadsToTheEnd() throws Exception {
        assertThat(StreamCopy.bytes(stream("abcdef"), 3)).containsExactly('a', 'b', 'c');
        assertThat(StreamCopy.bytes(stream("abcdef"), 10)).hasSize(6);
        assertThat(StreamCopy.bytes(stream("abcdef"), -1)).hasSize(6);
        assertThat(StreamCopy.bytes(stream("abcdef"))).hasSize(6);
        assertThat(StreamCopy.bytes(stream("abcdef"), 0)).isEmpty();
        assertThat(StreamCopy.chars(new StringReader("abcdef"), 4)).isEqualTo("abcd");
        assertThat(StreamCopy.chars(new StringReader("abcdef"), -1)).isEqualTo("abcdef");
        assertThat(StreamCopy.chars(new StringReader("x".repeat(20_000)))).hasSize(20_000);
    }

    @Test
    void theCopyStopsAtTheLengthLeavingTheRestOfTheStream() throws Exception {
        InputStream in = stream("abcdef");
        StreamCopy.bytes(in, 2);
        assertThat(in.readAllBytes()).containsExactly('c', 'd', 'e', 'f');
    }

    @Test
    void nullStaysNull() throws Exception {
        assertThat(StreamCopy.bytes(null, 5)).isNull();
        assertThat(StreamCopy.chars(null)).isNull();
        assertThat(StreamCopy.stream(null)).isNull();
        assertThat(StreamCopy.reader(null)).isNull();
        assertThat(StreamCopy.replay(StreamCopy.copyOf(null))).isNull();
    }

    @Test
    void everyReplayIsAFreshStreamOverTheSameCopy() throws Exception {
        Object copy = StreamCopy.copyOf(stream("once"));
        for (int i = 0; i < 3; i++) {
            assertThat(((InputStream) StreamCopy.replay(copy)).readAllBytes()).asString(StandardCharsets.UTF_8)
                    .isEqualTo("once");
        }
        Object chars = StreamCopy.copyOf(new StringReader("twice"));
        assertThat(StreamCopy.chars((Reader) StreamCopy.replay(chars))).isEqualTo("twice");
        assertThat(StreamCopy.chars((Reader) StreamCopy.replay(chars))).isEqualTo("twice");
        assertThat(StreamCopy.replay(StreamCopy.copyOf("plain"))).isEqualTo("plain");
    }

    @Test
    void aStreamThatFailsGivesAnSqlException() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        assertThatThrownBy(() -> StreamCopy.bytes(broken, 10)).isInstanceOf(SQLException.class)
                .hasMessageContaining("disk on fire").hasCauseInstanceOf(IOException.class);
    }
}
