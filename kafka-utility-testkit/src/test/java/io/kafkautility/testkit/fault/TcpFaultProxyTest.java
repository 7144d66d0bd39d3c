package io.kafkautility.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpFaultProxyTest {
    private ServerSocket echo;
    private ExecutorService pool;
    private final AtomicLong received = new AtomicLong();
    private TcpFaultProxy proxy;

    @BeforeEach
    void startEchoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "echo");
            t.setDaemon(true);
            return t;
        });
        pool.execute(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    pool.execute(() -> echoLoop(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = TcpFaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
    }

    private void echoLoop(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                received.addAndGet(n);
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // connection reset by the proxy
        }
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        pool.shutdownNow();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private static String roundTrip(Socket s, String msg) throws IOException {
        byte[] bytes = msg.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void passForwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        }
        // counters move after the write returns, so they may trail the echo by a moment
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.bytesUp() == 5 && proxy.bytesDown() == 5);
        assertThat(proxy.address()).isEqualTo("127.0.0.1:" + proxy.port());
    }

    @Test
    void blackholeHoldsTrafficUntilHealed() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "a")).isEqualTo("a");
            proxy.mode(TcpFaultProxy.Mode.BLACKHOLE);
            s.setSoTimeout(300);
            s.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(received.get()).isEqualTo(1);
            proxy.mode(TcpFaultProxy.Mode.PASS);
            s.setSoTimeout(5_000);
            assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("held");
        }
    }

    @Test
    void resetKillsOpenAndNewConnections() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            proxy.mode(TcpFaultProxy.Mode.RESET);
            assertThatThrownBy(() -> roundTrip(s, "y")).isInstanceOf(SocketException.class);
        }
        assertThatThrownBy(() -> {
            try (Socket s = connect()) {
                roundTrip(s, "z");
            }
        }).isInstanceOf(IOException.class);
        proxy.mode(TcpFaultProxy.Mode.PASS);
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "back")).isEqualTo("back");
        }
    }

    @Test
    void resetConnectionsIsAOneShotStorm() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 1);
            assertThat(proxy.resetConnections()).isEqualTo(1);
            assertThatThrownBy(() -> roundTrip(s, "y")).isInstanceOf(SocketException.class);
        }
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "still passing")).isEqualTo("still passing");
        }
    }

    @Test
    void refuseStopsListeningAndRebindsTheSamePort() throws IOException {
        int port = proxy.port();
        proxy.mode(TcpFaultProxy.Mode.REFUSE);
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        proxy.mode(TcpFaultProxy.Mode.PASS);
        assertThat(proxy.port()).isEqualTo(port);
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
    }

    @Test
    void cutResponseDeliversRequestsButNoResponses() throws IOException {
        try (Socket s = connect()) {
            proxy.mode(TcpFaultProxy.Mode.CUT_RESPONSE);
            s.setSoTimeout(300);
            s.getOutputStream().write("request".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.get() == 7);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.mode(TcpFaultProxy.Mode.PASS);
            // the stream lost bytes, so the proxy resets it
            s.setSoTimeout(5_000);
            assertThatThrownBy(() -> roundTrip(s, "after")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void latencyDelaysEachChunk() throws IOException {
        proxy.latency(Duration.ofMillis(200));
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void bandwidthThrottlesBytes() throws IOException {
        proxy.bandwidth(4_000);
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(roundTrip(s, "x".repeat(2_000))).hasSize(2_000);
            // 2,000 bytes at 4,000 B/s each way: at least ~0.5 s up and ~0.5 s down
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1))).hasMessage("latency must be >= 0 but was PT-0.001S");
        assertThatThrownBy(() -> proxy.bandwidth(-1)).hasMessage("bytesPerSecond must be >= 0 but was -1");
    }
}
