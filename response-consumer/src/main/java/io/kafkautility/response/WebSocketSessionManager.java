package io.kafkautility.response;

import io.kafkautility.response.internal.DefaultWebSocketSessionManager;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Routes replies to the WebSocket session that asked, one question at a time per session.
 *
 * <p>Each registered session is IDLE or WAITING for one question (its question id):
 * <ul>
 *   <li>{@link #beginQuestion(String, String)} moves IDLE to WAITING atomically; while WAITING (or while the answer is
 *       being sent) another question is rejected with an error frame {@code QUESTION_PENDING} and the caller must send
 *       nothing to Kafka. Two concurrent submissions on one session never both pass.</li>
 *   <li>A reply ({@link #onResponse}) is delivered only if its session id AND question id match the waiting question;
 *       otherwise it is dropped and counted ({@code unknown_session} or {@code stale}), so a late reply never answers a
 *       newer question. After the answer was sent, or its send failed, the session is IDLE again.</li>
 *   <li>A question without reply within {@link SessionManagerOptions#questionTimeout()} gets an error frame
 *       {@code QUESTION_TIMEOUT} and the session is IDLE again (one scheduler thread for all sessions).</li>
 * </ul>
 * Frames are JSON text: {@code {"type":"delta","questionId",..,"seq",..,"text",..}} for each piece of a streamed
 * answer (in order, each once: a record of the stream already delivered is dropped as {@code duplicate}),
 * {@code {"type":"answer","questionId",..,"seq",..,"status","answer","sources","error","timestamp"}} for the whole
 * answer, {@code {"type":"cancelled","questionId"}} and {@code {"type":"error","code",..,"questionId",..,"message"}}.
 * While a streamed answer is coming, the question timeout counts from its last frame.
 *
 * <p>Sending never happens on the caller's thread (so never on the Kafka poll thread): frames go to a per-session
 * queue (at most {@link SessionManagerOptions#maxQueuedFrames()}), sent one at a time per session by a small pool with
 * a send timeout, so one slow browser never delays the others. Memory is bounded: at most
 * {@link SessionManagerOptions#maxSessions()} sessions, and everything of a session is released when it is
 * unregistered.
 *
 * <p>Thread-safe. The creator owns it and must {@link #close()} it; closing does not close the WebSocket connections.
 */
public interface WebSocketSessionManager extends ResponseListener, AutoCloseable {

    /** A manager with these options. */
    static WebSocketSessionManager create(SessionManagerOptions options) {
        return new DefaultWebSocketSessionManager(options);
    }

    /** Outcome of {@link #beginQuestion(String, String)}. */
    enum Admission {
        /** The session now waits for this question; send it to Kafka. */
        ACCEPTED,
        /** Another question is pending; an error frame was sent; send nothing to Kafka. */
        REJECTED_PENDING,
        /** No such session (never registered or already closed); send nothing to Kafka. */
        REJECTED_UNKNOWN_SESSION
    }

    /**
     * Registers an opened connection under {@link WebSocketConnection#id()}, an id the server made itself (a browser's
     * connection goes through {@link #open} instead, which issues and checks session tokens).
     *
     * @throws io.kafkautility.KafkaUtilityException if {@link SessionManagerOptions#maxSessions()} sessions are open
     * @throws IllegalStateException if a session with that id is registered, or the manager is closed
     */
    void register(WebSocketConnection connection);

    /**
     * Checks a browser's handshake before its upgrade: its {@code Origin} against
     * {@link SessionManagerOptions#allowedOrigins()} (403), then the {@link SessionManagerOptions#authenticator()}
     * (401). Refusals are counted ({@code kafka.utility.response.security.refused}, reason {@code origin} or
     * {@code unauthenticated}) and logged without headers.
     */
    HandshakeCheck checkHandshake(Handshake handshake);

    /**
     * Opens the chat session of a browser's connection. With a {@code token} this cluster issued to {@code principal}
     * within its lifetime, the connection gets that session back (a connection holding it, here or on another instance,
     * is closed with {@link ChatWebSocket#CLOSE_TAKEN_OVER} and gets nothing more); a token issued to another principal
     * is refused ({@link SessionGrant.Outcome#REFUSED}: close the connection with
     * {@link ChatWebSocket#CLOSE_OTHER_PRINCIPAL}); any other token (malformed, forged, tampered, expired, signed with
     * a key rotated out) and no token get a fresh session, never the one it named. Refused tokens are counted by reason.
     *
     * @param connection the connection (its {@link WebSocketConnection#id()} is not used)
     * @param token      the token the page presented, or null
     * @param principal  the handshake's principal from {@link #checkHandshake} ({@code ""} for anonymous)
     * @throws io.kafkautility.config.ConfigurationException if there are no {@link SessionManagerOptions#sessionKeys()}
     * @throws io.kafkautility.KafkaUtilityException if {@link SessionManagerOptions#maxSessions()} sessions are open
     */
    SessionGrant open(WebSocketConnection connection, String token, String principal);

    /**
     * Counts one frame of an opened session against {@link SessionManagerOptions#maxFramesPerSecond()}: a frame over
     * the rate is {@link FrameAdmission#REFUSED} (the page is told once, {@code RATE_LIMITED}); a connection that keeps
     * exceeding it for about a second's worth of frames is closed with {@link ChatWebSocket#CLOSE_RATE_LIMITED}
     * ({@link FrameAdmission#CLOSED}).
     */
    FrameAdmission admitFrame(SessionGrant grant);

    /**
     * Refuses a frame the page sent: the page gets {@code {"type":"error","code":"BAD_FRAME","errorId":...}} (the
     * error id is in this server's log line too, with {@code why}; the frame itself is never logged) and nothing else
     * happens.
     */
    void refuseFrame(SessionGrant grant, String why);

    /**
     * Another instance's connection took {@code sessionId} over at {@code claimedAt}: a connection of it registered
     * here before then is closed with {@link ChatWebSocket#CLOSE_TAKEN_OVER} and the session is forgotten here.
     */
    void takenOverElsewhere(String sessionId, Instant claimedAt);

    /** The principal session {@code sessionId} belongs to ({@code ""} for anonymous), or null if it is not held here. */
    String principal(String sessionId);

    /** The result of {@link #checkHandshake}: the principal, or the HTTP status to refuse with. */
    record HandshakeCheck(String principal, int status, String reason) {
        public static HandshakeCheck admitted(String principal) {
            return new HandshakeCheck(java.util.Objects.requireNonNull(principal, "principal"), 101, null);
        }

        public static HandshakeCheck refused(int status, String reason) {
            return new HandshakeCheck(null, status, reason);
        }

        public boolean admitted() {
            return principal != null;
        }
    }

    /** Outcome of {@link #admitFrame}. */
    enum FrameAdmission {
        /** Handle the frame. */
        ADMITTED,
        /** Over the rate: drop the frame. */
        REFUSED,
        /** Over the rate again and again: the connection was closed; drop the frame. */
        CLOSED
    }

    /**
     * A connection's session from {@link #open}. {@link #token()} goes to the page (and nowhere else: never a URL, a log
     * line or a Kafka record); {@link #sessionId()} keys its replies; {@link #tag()} names it in logs;
     * {@link #connection()} is what to {@link #unregister(WebSocketConnection) unregister} when it closes.
     */
    record SessionGrant(Outcome outcome, String sessionId, String token, String principal,
                        WebSocketConnection connection) {
        /** How the session was opened. */
        public enum Outcome {
            /** A fresh session (no token, or one that names no session). */
            OPENED,
            /** The session of the token presented. */
            RESUMED,
            /** A valid token of another principal: close the connection. */
            REFUSED
        }

        public String tag() {
            return SessionTag.of(sessionId);
        }

        @Override
        public String toString() {
            return "SessionGrant{" + outcome + ", session=" + tag() + ", token=[hidden]}";
        }
    }

    /** Forgets a closed session: its pending question, timer and queued frames are dropped. Idempotent. */
    void unregister(String sessionId);

    /**
     * Forgets the session only if {@code connection} is still the one registered under its id (a page that reconnected
     * registered a new connection under the same session token; the old one's late close must not drop it).
     */
    void unregister(WebSocketConnection connection);

    /**
     * A session that reconnected (to this instance or from another) picks up the question it was waiting for:
     * {@code lastSeq} is the last stream record its page has shown (-1 for none), so only what follows is delivered
     * (then the caller asks the response consumer to {@link KafkaResponseConsumer#replay replay} what it kept). Not
     * counted as a new question. {@link Admission#REJECTED_PENDING} if the session waits for another one.
     */
    Admission resumeQuestion(String sessionId, String questionId, int lastSeq);

    /**
     * "Stop generating": the session stops waiting for {@code questionId} at once (a {@code cancelled} frame tells the
     * page) and is free for its next question; nothing more of that question reaches the page. False when it was not
     * waiting for it (already answered or being answered, or another question). The caller tells the LLM service
     * ({@code QueryServiceKafkaClient.cancel}).
     */
    boolean cancelQuestion(String sessionId, String questionId);

    /**
     * Atomically marks the session as waiting for {@code questionId} if it is idle. A session is idle again once the
     * send of its answer has completed, which a fast client may see after it has read the answer: a question sent
     * in that window is rejected with {@code QUESTION_PENDING} and may be sent again.
     */
    Admission beginQuestion(String sessionId, String questionId);

    /**
     * {@link #beginQuestion} and, if accepted, {@code send} (which publishes the question to Kafka). If the send stage
     * fails, the session gets an error frame {@code SEND_FAILED} and is idle again.
     */
    Admission ask(String sessionId, String questionId, Supplier<? extends CompletionStage<?>> send);

    /**
     * Ends the session's wait for {@code questionId} with an error frame (e.g. the question could not be published).
     * Does nothing if the session is not waiting for that question.
     */
    void failQuestion(String sessionId, String questionId, String code, String message);

    /** Told when a session is registered here and when it leaves (called on the registering/unregistering thread). */
    interface SessionListener {
        void opened(String sessionId);

        void closed(String sessionId);
    }

    /**
     * Adds a listener of sessions opening and leaving (the broadcast response consumer uses it to tell the other
     * instances which sessions this one holds). A throwing listener is logged and ignored.
     */
    void addSessionListener(SessionListener listener);

    /** The options it was created with. */
    SessionManagerOptions options();

    /** Open sessions. */
    int sessionCount();

    /** Sessions waiting for an answer (including answers being sent). */
    int waitingCount();

    /** Internal sizes for checking that memory returns to its baseline. */
    Stats stats();

    /**
     * @param sessions         registered sessions
     * @param waiting          sessions waiting for an answer
     * @param queuedFrames     frames queued for sending over all sessions
     * @param scheduledTimers  question-timeout and send-timeout timers in the scheduler's queue
     */
    record Stats(int sessions, int waiting, int queuedFrames, int scheduledTimers) {
    }

    /** Stops the timers and (if owned) the sender pool; pending questions are dropped. Idempotent. */
    @Override
    void close();
}
