package io.ledgerjdbc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireRelayTest {

    /** A server that answers "ok\n" to every line, however many writes the line came in. */
    private static ServerSocket lineServer() throws Exception {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                int b;
                while ((b = in.read()) >= 0) {
                    if (b == '\n') {
                        out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            } catch (Exception ignored) {
                // the test closed the connection
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void readAnswer(InputStream in) throws Exception {
        assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("ok\n");
    }

    @Test
    void countsOneRoundTripPerWaitForTheServerNotPerWrite() throws Exception {
        try (ServerSocket server = lineServer(); WireRelay relay = new WireRelay("127.0.0.1", server.getLocalPort());
             Socket client = new Socket("127.0.0.1", relay.port())) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            List<String> bursts = new ArrayList<>();
            relay.trace(bursts);
            out.write("one\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readAnswer(in);
            out.write("tw".getBytes(StandardCharsets.US_ASCII)); // one request in two writes: still one round trip
            out.flush();
            Thread.sleep(50);
            out.write("o\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readAnswer(in);
            WireRelay.Counts base = relay.snapshot();
            out.write("three\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readAnswer(in);
            WireRelay.Counts last = relay.snapshot().minus(base);

            assertThat(base.roundTrips()).isEqualTo(2);
            assertThat(base.bytesToServer()).isEqualTo(8);
            assertThat(base.bytesToClient()).isEqualTo(6);
            assertThat(last.roundTrips()).isEqualTo(1);
            assertThat(last.connections()).isEqualTo(1);
            assertThat(bursts).containsExactly("one.", "tw + o.", "three.");
        }
    }

    @Test
    void rewritesTheServerOfAJdbcUrlToTheRelay() throws Exception {
        try (WireRelay relay = new WireRelay("127.0.0.1", 5432)) {
            int p = relay.port();
            assertThat(relay.via("jdbc:ledger:postgresql://127.0.0.1:5432/test?currentSchema=s"))
                    .isEqualTo("jdbc:ledger:postgresql://127.0.0.1:" + p + "/test?currentSchema=s");
            assertThat(relay.via("jdbc:mariadb://db.example:3306/x")).isEqualTo("jdbc:mariadb://127.0.0.1:" + p + "/x");
        }
        assertThat(WireRelay.server("jdbc:postgresql://localhost/test", 5432).getPort()).isEqualTo(5432);
        assertThat(WireRelay.server("jdbc:mariadb://10.0.0.5:3307/", 3306).getHostString()).isEqualTo("10.0.0.5");
    }
}
