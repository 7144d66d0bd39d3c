package io.kafkautility.internal.config;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Speaks just enough of the Kafka protocol on a raw socket to tell what a port is: ApiVersions v0 and SaslHandshake v1
 * (no credentials), and a TLS handshake that accepts any certificate (only to learn whether the port speaks TLS).
 */
public final class KafkaWireProbe {

    static final short API_VERSIONS = 18;
    static final short SASL_HANDSHAKE = 17;
    static final short ILLEGAL_SASL_STATE = 34;
    static final short UNSUPPORTED_SASL_MECHANISM = 33;
    private static final int MAX_RESPONSE = 1 << 20;
    private static final String CLIENT_ID = "kafka-utility-connectivity-check";

    private KafkaWireProbe() {
    }

    /** The answer to ApiVersions. */
    public sealed interface KafkaAnswer {
    }

    /** A Kafka broker answered; api key -&gt; [min, max]. */
    public record Kafka(Map<Short, short[]> apis) implements KafkaAnswer {
    }

    /** The peer answered with a TLS record: the port speaks TLS. */
    public record TlsAnswer() implements KafkaAnswer {
    }

    /** The peer closed the connection without answering. */
    public record Closed(String detail) implements KafkaAnswer {
    }

    /** The peer did not answer in time. */
    public record Silent() implements KafkaAnswer {
    }

    /** The peer answered something that is not Kafka. */
    public record Garbage(String firstBytes) implements KafkaAnswer {
    }

    /** Outcome of a TLS handshake attempt. */
    public enum TlsOutcome {
        /** Handshake completed (certificate not verified). */
        HANDSHAKE_OK,
        /** The peer speaks TLS but aborted the handshake with an alert (e.g. it requires a client certificate). */
        TLS_ALERT,
        /** The peer does not speak TLS (closed, silent or answered something else). */
        NOT_TLS
    }

    public static KafkaAnswer apiVersions(Socket socket) throws IOException {
        ByteBuffer req = header(API_VERSIONS, (short) 0, 1, 0);
        send(socket, req);
        return readKafkaAnswer(socket, 1, true);
    }

    /** Sends SaslHandshake v1 for the mechanism (no credentials) and tells whether the port is a SASL listener. */
    public static SaslAnswer saslHandshake(Socket socket, String mechanism) throws IOException {
        byte[] mech = mechanism.getBytes(StandardCharsets.UTF_8);
        ByteBuffer req = header(SASL_HANDSHAKE, (short) 1, 2, 2 + mech.length);
        req.putShort((short) mech.length).put(mech);
        send(socket, req);
        KafkaAnswer a = readKafkaAnswer(socket, 2, false);
        if (!(a instanceof RawBody body)) {
            return new SaslAnswer(false, List.of(), true);
        }
        ByteBuffer b = body.body;
        short error = b.getShort();
        if (error == ILLEGAL_SASL_STATE) {
            return new SaslAnswer(false, List.of(), false);
        }
        List<String> mechanisms = new ArrayList<>();
        int n = b.getInt();
        for (int i = 0; i < n && i < 64; i++) {
            short len = b.getShort();
            byte[] s = new byte[len];
            b.get(s);
            mechanisms.add(new String(s, StandardCharsets.UTF_8));
        }
        return new SaslAnswer(true, mechanisms, false);
    }

    /** The SaslHandshake answer: whether the port is a SASL listener and its enabled mechanisms. */
    public record SaslAnswer(boolean saslListener, List<String> enabledMechanisms, boolean inconclusive) {
    }

    private record RawBody(ByteBuffer body) implements KafkaAnswer {
    }

    /** Tries a TLS handshake accepting any certificate. On HANDSHAKE_OK the TLS socket is returned through the holder. */
    public static TlsOutcome tlsHandshake(Socket plain, String host, int port, int timeoutMs, SSLSocket[] holder) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new AcceptAny()}, null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
            s.setSoTimeout(timeoutMs);
            s.startHandshake();
            holder[0] = s;
            return TlsOutcome.HANDSHAKE_OK;
        } catch (SSLException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Received fatal alert")) {
                return TlsOutcome.TLS_ALERT;
            }
            return TlsOutcome.NOT_TLS;
        } catch (IOException e) {
            return TlsOutcome.NOT_TLS;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS support in this JVM", e);
        }
    }

    private static ByteBuffer header(short apiKey, short version, int correlationId, int bodySize) {
        byte[] client = CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        int size = 2 + 2 + 4 + 2 + client.length + bodySize;
        ByteBuffer b = ByteBuffer.allocate(4 + size);
        b.putInt(size).putShort(apiKey).putShort(version).putInt(correlationId).putShort((short) client.length).put(client);
        return b;
    }

    private static void send(Socket socket, ByteBuffer req) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(req.array(), 0, req.position());
        out.flush();
    }

    private static KafkaAnswer readKafkaAnswer(Socket socket, int correlationId, boolean parseApiVersions) throws IOException {
        InputStream raw = socket.getInputStream();
        DataInputStream in = new DataInputStream(raw);
        byte[] head = new byte[4];
        int read;
        try {
            read = readUpTo(in, head);
        } catch (SocketTimeoutException e) {
            return new Silent();
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            return new Closed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (read >= 2 && (head[0] == 0x15 || head[0] == 0x16) && head[1] == 0x03) {
            return new TlsAnswer();
        }
        if (read < 4) {
            return read == 0 ? new Closed("closed without answering") : new Garbage(printable(head, read));
        }
        int size = ByteBuffer.wrap(head).getInt();
        if (size < 4 || size > MAX_RESPONSE) {
            return new Garbage(printable(head, 4));
        }
        byte[] body = new byte[size];
        try {
            in.readFully(body);
        } catch (SocketTimeoutException e) {
            return new Silent();
        } catch (EOFException e) {
            return new Garbage(printable(head, 4));
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.getInt() != correlationId) {
            return new Garbage(printable(head, 4));
        }
        if (!parseApiVersions) {
            return new RawBody(b);
        }
        try {
            short error = b.getShort();
            int n = b.getInt();
            if (n < 0 || n > 1000) {
                return new Garbage(printable(head, 4));
            }
            Map<Short, short[]> apis = new HashMap<>();
            for (int i = 0; i < n; i++) {
                short key = b.getShort();
                apis.put(key, new short[] {b.getShort(), b.getShort()});
            }
            return error == 0 || error == 35 ? new Kafka(apis) : new Kafka(Map.of());
        } catch (RuntimeException e) {
            return new Garbage(printable(head, 4));
        }
    }

    private static int readUpTo(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
