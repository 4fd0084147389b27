package io.ledgerjdbc.driver.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of every member, so a test can cut the network between members while their processes run.
 * Member X listens on its own loopback address {@code 127.0.0.<n>} ({@code ledger.bind}) and is known to the others
 * by its proxy's address on 127.0.0.1 ({@code ledger.members}); it connects out from its own address, so a proxy
 * knows which member every connection comes from. Cutting X from Y closes their connections and refuses new ones
 * between them (as a firewall that rejects), in both directions; healing lets them connect again. The failure
 * detector's port (member port + 100) is forwarded without cuts: a closed one only speeds up suspicion.
 */
final class PartitionProxy implements AutoCloseable {

    /** One member: where the others reach it (proxy) and where it listens (its own address). */
    record Endpoint(String id, InetAddress own, int port, int proxyPort) {}

    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<InetAddress, String> byAddress = new ConcurrentHashMap<>();
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** Members seen connecting through the proxy: proof that connections are told apart. */
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    /** Connections accepted, per member behind the proxy (diagnostics). */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> accepted = new ConcurrentHashMap<>();
    /** What went wrong accepting or forwarding a connection (diagnostics). */
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** Connections from an address that is no member's. */
    final List<String> strangers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    PartitionProxy(List<String> ids) throws IOException {
        int n = 2;
        for (String id : ids) {
            InetAddress own = InetAddress.getByName("127.0.0." + n++);
            int port = freePort(own, 0);
            int proxyPort = freeProxyPort(own);
            Endpoint e = new Endpoint(id, own, port, proxyPort);
            endpoints.put(id, e);
            byAddress.put(own, id);
        }
        for (Endpoint e : endpoints.values()) {
            listen(e, e.proxyPort(), e.port(), true);
            // FD_SOCK2 listens at the port the others know (the proxy's) + 100, on the member's own address.
            listen(e, e.proxyPort() + 100, e.proxyPort() + 100, false);
        }
    }

    /** {@code ledger.members}: every member at its proxy. */
    String members() {
        StringBuilder sb = new StringBuilder();
        endpoints.values().forEach(e -> sb.append(sb.length() == 0 ? "" : ",").append(e.id()).append("=127.0.0.1:").append(e.proxyPort()));
        return sb.toString();
    }

    /** {@code ledger.bind} of member {@code id}. */
    String bind(String id) {
        Endpoint e = endpoints.get(id);
        return e.own().getHostAddress() + ":" + e.port();
    }

    @Override
    public String toString() {
        return "proxy: accepted " + accepted + ", seen " + seen + ", strangers " + strangers + ", failures " + failures;
    }

    /** Cuts every member of {@code side} from every member not in it. */
    void partition(Set<String> side) {
        for (String a : side) {
            for (String b : endpoints.keySet()) {
                if (!side.contains(b)) {
                    cut.add(key(a, b));
                }
            }
        }
        for (Link l : links) {
            if (l.cuttable && cut.contains(key(l.from, l.to))) {
                l.close();
            }
        }
    }

    /** Lets every member reach every other again. */
    void heal() {
        cut.clear();
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private void listen(Endpoint to, int proxyPort, int targetPort, boolean cuttable) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort));
        servers.add(server);
        Thread t = new Thread(() -> {
            while (!closed) {
                try {
                    Socket in = server.accept();
                    accepted.computeIfAbsent(to.id() + (cuttable ? "" : "/fd"), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    String from = byAddress.get(in.getInetAddress());
                    if (from == null) {
                        if (cuttable) strangers.add(in.getInetAddress() + " -> " + to.id());
                    } else if (cuttable) {
                        seen.add(from);
                    }
                    if (cuttable && from != null && cut.contains(key(from, to.id()))) {
                        in.close(); // refused, as a firewall that rejects
                        continue;
                    }
                    Socket out = new Socket();
                    out.setTcpNoDelay(true);
                    in.setTcpNoDelay(true);
                    out.connect(new InetSocketAddress(to.own(), targetPort), 2000);
                    Link link = new Link(from, to.id(), in, out, cuttable && from != null);
                    links.add(link);
                    link.start();
                } catch (IOException | RuntimeException e) {
                    if (closed) return;
                    failures.add(to.id() + ": " + e);
                }
            }
        }, "proxy-" + to.id() + "-" + proxyPort);
        t.setDaemon(true);
        t.start();
    }

    /** One proxied connection: two pumps; closing it closes both sockets. */
    private final class Link {
        final String from;
        final String to;
        final Socket in;
        final Socket out;
        final boolean cuttable;

        Link(String from, String to, Socket in, Socket out, boolean cuttable) {
            this.from = from;
            this.to = to;
            this.in = in;
            this.out = out;
            this.cuttable = cuttable;
        }

        void start() {
            pump(in, out);
            pump(out, in);
        }

        private void pump(Socket src, Socket dst) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try (InputStream i = src.getInputStream(); OutputStream o = dst.getOutputStream()) {
                    for (int n; (n = i.read(buf)) >= 0; ) {
                        o.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    // closed by a cut, or by either end
                } finally {
                    close();
                }
            }, "pump-" + from + "-" + to);
            t.setDaemon(true);
            t.start();
        }

        void close() {
            links.remove(this);
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                out.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** A free port on {@code address} ({@code port} itself if it is free; any when 0); -1 when {@code port} is taken. */
    private static int freePort(InetAddress address, int port) {
        try (ServerSocket s = new ServerSocket(port, 50, address)) {
            return s.getLocalPort();
        } catch (IOException taken) {
            return -1;
        }
    }

    /**
     * A port Q for the proxy of the member at {@code own}: Q and Q + 100 free on 127.0.0.1 (the proxy's two ports)
     * and Q + 100 free on {@code own} (where the member's FD_SOCK2 listens: the known port + 100).
     */
    private static int freeProxyPort(InetAddress own) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 200; attempt++) {
            int q = freePort(loopback, 0);
            if (q > 0 && q + 100 <= 65535 && freePort(loopback, q + 100) > 0 && freePort(own, q + 100) > 0) {
                return q;
            }
        }
        throw new IOException("no free proxy port for " + own);
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket s : servers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (Link l : new ArrayList<>(links)) l.close();
    }
}
