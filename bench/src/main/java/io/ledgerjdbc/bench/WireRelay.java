package io.ledgerjdbc.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback between a JDBC driver and its database server that counts round trips: a pair of pump
 * threads per connection forwards bytes unchanged, and every client→server write that follows server→client data
 * (or opens the connection) starts a new request burst. A client that sends several messages before reading the
 * answer (a pipelined batch, PostgreSQL's Parse/Bind/Execute/Sync) counts once; each time it waits for the server
 * and then speaks again counts once more. Bytes are counted both ways.
 *
 * <p>Threading: the counters are atomics; read them while the client is idle (between operations) for exact
 * figures. The server→client pump marks "the server spoke" before it forwards, so a client's next request, which
 * can only follow that forward, always sees the mark.
 */
final class WireRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong bursts = new AtomicLong();
    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;
    /** While set, the printable start of every request burst is added here (see {@link #trace}). */
    private volatile List<String> trace;

    WireRelay(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "wire-relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** {@code url} with its {@code //host:port} replaced by this relay's address. */
    String via(String url) {
        int start = url.indexOf("//") + 2;
        int end = url.indexOf('/', start);
        return url.substring(0, start) + "127.0.0.1:" + port() + url.substring(end < 0 ? url.length() : end);
    }

    /** The {@code host:port} a JDBC URL names, with the default port when it has none. */
    static InetSocketAddress server(String url, int defaultPort) {
        int start = url.indexOf("//") + 2;
        int end = url.indexOf('/', start);
        String authority = url.substring(start, end < 0 ? url.length() : end);
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? InetSocketAddress.createUnresolved(authority, defaultPort)
                : InetSocketAddress.createUnresolved(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    }

    /** What was counted since the last {@link #snapshot()} taken as a base. */
    record Counts(long roundTrips, long bytesToServer, long bytesToClient, long connections) {
        /** The difference to {@code base}; {@code connections} stays the total opened through the relay. */
        Counts minus(Counts base) {
            return new Counts(roundTrips - base.roundTrips, bytesToServer - base.bytesToServer, bytesToClient - base.bytesToClient,
                    connections);
        }
    }

    Counts snapshot() {
        return new Counts(bursts.get(), toServer.get(), toClient.get(), connections.get());
    }

    /**
     * Starts ({@code sink} not null) or stops recording each request burst as text, one element per burst, its
     * socket writes joined by " + " (non-printable bytes as '.', at most 400 bytes per write): enough to tell which
     * statements each round trip carried. One connection at a time: writes of several are not told apart.
     */
    void trace(List<String> sink) {
        this.trace = sink;
    }

    private static String printable(byte[] buf, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, 400); i++) {
            int b = buf[i] & 0xff;
            sb.append(b >= 32 && b < 127 ? (char) b : '.');
        }
        return sb.toString().replaceAll("\\.{2,}", "..");
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(target.getHostString(), target.getPort());
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                connections.incrementAndGet();
                AtomicBoolean serverSpokeLast = new AtomicBoolean(true);
                pump(client, server, serverSpokeLast, true);
                pump(server, client, serverSpokeLast, false);
            } catch (IOException e) {
                if (!closed) System.err.println("wire relay: " + e);
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicBoolean serverSpokeLast, boolean clientToServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (clientToServer) {
                        boolean newBurst = serverSpokeLast.getAndSet(false);
                        if (newBurst) bursts.incrementAndGet();
                        List<String> sink = trace;
                        if (sink != null) {
                            String text = printable(buf, n);
                            if (newBurst || sink.isEmpty()) {
                                sink.add(text);
                            } else { // a further write of the same burst (e.g. BEGIN, then the statement)
                                sink.set(sink.size() - 1, sink.get(sink.size() - 1) + " + " + text);
                            }
                        }
                        toServer.addAndGet(n);
                    } else {
                        serverSpokeLast.set(true);
                        toClient.addAndGet(n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "wire-relay-" + (clientToServer ? "up" : "down"));
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) closeQuietly(s);
    }
}
