package io.kafkautility.testkit.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a loopback port that injects network faults between clients and a server (a toxiproxy written in
 * Java). Put it in front of a Kafka broker and make the broker advertise the proxy's address (see
 * {@link io.kafkautility.testkit.BrokerProcessOptions.Builder#advertisedListener(String)}), otherwise clients connect
 * to the broker directly after bootstrap:
 *
 * <pre>{@code
 * try (TcpFaultProxy proxy = TcpFaultProxy.start();
 *      KafkaBrokerProcess broker = KafkaBrokerProcess.create(BrokerProcessOptions.builder()
 *              .advertisedListener(proxy.address()).build())) {
 *     proxy.target(broker.clientAddress());
 *     broker.start();
 *     // clients use proxy.address() as bootstrap.servers
 *     proxy.mode(TcpFaultProxy.Mode.BLACKHOLE);
 * }
 * }</pre>
 *
 * <p>Modes ({@link #mode(Mode)}) apply at once to existing and new connections; {@link #latency(Duration)} and
 * {@link #bandwidth(long)} add to any mode. Thread-safety: thread-safe. Ownership: the creator closes it, which closes
 * every connection and its threads (two per connection plus one acceptor).
 */
public final class TcpFaultProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpFaultProxy.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** What the proxy does with traffic. */
    public enum Mode {
        /** Forward both ways. */
        PASS,
        /**
         * Accept connections but forward nothing either way until the mode changes (bytes are held, not dropped, as
         * TCP would retransmit across a healed partition); nothing is closed, so clients see timeouts.
         */
        BLACKHOLE,
        /** Reset (RST) every open connection and every new one as soon as it is accepted. */
        RESET,
        /** Stop listening: new connections are refused; open ones are reset. The port is re-bound on leaving. */
        REFUSE,
        /**
         * Forward client-to-server bytes but discard server-to-client bytes: requests are processed, responses never
         * arrive (the ambiguous-ack case). Connections that lost response bytes are reset when the mode changes, since
         * their byte stream is broken.
         */
        CUT_RESPONSE
    }

    private final int port;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile InetSocketAddress target;
    private volatile Mode mode = Mode.PASS;
    private volatile long latencyNanos;
    private volatile long bytesPerSecond;
    private volatile boolean closed;
    private ServerSocket server;
    private java.util.concurrent.Future<?> acceptor;

    private TcpFaultProxy(InetSocketAddress target, int port) throws IOException {
        int id = INSTANCES.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "tcp-fault-proxy-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.threads = Executors.newCachedThreadPool(tf);
        this.target = target;
        this.server = bind(port);
        this.port = server.getLocalPort();
        this.acceptor = startAcceptor(server);
    }

    /** A proxy on a free loopback port with no target yet; set it with {@link #target} before clients connect. */
    public static TcpFaultProxy start() {
        return create(null, 0);
    }

    /** A proxy on a free loopback port forwarding to {@code target}. */
    public static TcpFaultProxy start(InetSocketAddress target) {
        return create(Objects.requireNonNull(target, "target"), 0);
    }

    /** A proxy on the given loopback port (0 = free port) forwarding to {@code target} (may be null for later). */
    public static TcpFaultProxy start(InetSocketAddress target, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
        }
        return create(target, port);
    }

    private static TcpFaultProxy create(InetSocketAddress target, int port) {
        try {
            return new TcpFaultProxy(target, port);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start TCP fault proxy on port " + port, e);
        }
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return s;
    }

    private java.util.concurrent.Future<?> startAcceptor(ServerSocket s) {
        return threads.submit(() -> {
            while (!closed && !s.isClosed()) {
                Socket client;
                try {
                    client = s.accept();
                } catch (IOException e) {
                    return; // closed (REFUSE or close())
                }
                accepted.incrementAndGet();
                onAccept(client);
            }
        });
    }

    private void onAccept(Socket client) {
        Mode m = mode;
        InetSocketAddress t = target;
        if (m == Mode.RESET || m == Mode.REFUSE || t == null) {
            reset(client);
            return;
        }
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(t, 5_000);
        } catch (IOException e) {
            reset(client);
            closeQuietly(upstream);
            return;
        }
        Connection c = new Connection(client, upstream);
        connections.add(c);
        threads.execute(() -> pump(c, client, upstream, true));
        threads.execute(() -> pump(c, upstream, client, false));
    }

    private void pump(Connection c, Socket from, Socket to, boolean up) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                while (mode == Mode.BLACKHOLE && !c.closing.get()) {
                    TimeUnit.MILLISECONDS.sleep(5); // hold the bytes, like a partition TCP would retransmit across
                }
                if (mode == Mode.CUT_RESPONSE && !up) {
                    c.dropped = true;
                    continue;
                }
                delay(n);
                out.write(buf, 0, n);
                out.flush();
                (up ? bytesUp : bytesDown).addAndGet(n);
            }
            c.close(false); // orderly EOF: pass it on
        } catch (IOException e) {
            c.close(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close(true);
        }
    }

    private void delay(int bytes) throws InterruptedException {
        long nanos = latencyNanos;
        long bps = bytesPerSecond;
        if (bps > 0) {
            nanos += TimeUnit.SECONDS.toNanos(bytes) / bps;
        }
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }

    /** The proxy's {@code host:port}, for {@code bootstrap.servers} and the broker's advertised listener. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Sets (or changes) where new connections go; open connections keep their target. */
    public TcpFaultProxy target(InetSocketAddress target) {
        this.target = Objects.requireNonNull(target, "target");
        return this;
    }

    public Mode mode() {
        return mode;
    }

    /** Switches mode; takes effect on open connections at once. */
    public synchronized TcpFaultProxy mode(Mode newMode) {
        Objects.requireNonNull(newMode, "mode");
        if (closed) {
            throw new IllegalStateException("proxy is closed");
        }
        Mode old = mode;
        mode = newMode;
        if (newMode == Mode.RESET || newMode == Mode.REFUSE) {
            resetConnections();
        } else if (old == Mode.CUT_RESPONSE && newMode != Mode.CUT_RESPONSE) {
            for (Connection c : connections) {
                if (c.dropped) {
                    c.close(true);
                }
            }
        }
        if (newMode == Mode.REFUSE && old != Mode.REFUSE) {
            closeQuietly(server);
            awaitAcceptorExit(); // until accept() returns, the kernel still holds the listening socket open
        } else if (old == Mode.REFUSE && newMode != Mode.REFUSE) {
            try {
                server = bind(port);
                acceptor = startAcceptor(server);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot re-bind proxy port " + port, e);
            }
        }
        log.info("TCP fault proxy {} -> {}: {} -> {}", address(), target, old, newMode);
        return this;
    }

    private void awaitAcceptorExit() {
        try {
            acceptor.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("TCP fault proxy {}: acceptor did not stop cleanly: {}", address(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Resets (RST) every open connection once, staying in the current mode (call repeatedly for a reset storm). */
    public int resetConnections() {
        int n = 0;
        for (Connection c : connections) {
            c.close(true);
            n++;
        }
        return n;
    }

    /** Delays every chunk forwarded in either direction by {@code latency} (zero to turn it off). */
    public TcpFaultProxy latency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must be >= 0 but was " + latency);
        }
        this.latencyNanos = latency.toNanos();
        return this;
    }

    /** Limits each direction of each connection to about {@code bytesPerSecond} (0 = unlimited). */
    public TcpFaultProxy bandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0 but was " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    public int openConnections() {
        return connections.size();
    }

    public long acceptedConnections() {
        return accepted.get();
    }

    /** Bytes forwarded client to server. */
    public long bytesUp() {
        return bytesUp.get();
    }

    /** Bytes forwarded server to client. */
    public long bytesDown() {
        return bytesDown.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(server);
        resetConnections();
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "TcpFaultProxy{" + address() + " -> " + target + ", mode=" + mode + '}';
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    private final class Connection {
        private final Socket client;
        private final Socket upstream;
        private final java.util.concurrent.atomic.AtomicBoolean closing =
                new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean dropped;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close(boolean abort) {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            connections.remove(this);
            if (abort) {
                reset(client);
                reset(upstream);
            } else {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }
    }
}
