package io.kafkautility.response;

/**
 * What a chat backend does with the frames of a page that {@link ChatWebSocket} understood: the application's part
 * (publishing the question, replaying, telling the LLM service to stop). Every frame reaching it belongs to an opened
 * session ({@code session}: its id, its principal), was under the frame rate and was well formed; ids are at most 64
 * characters of {@code [A-Za-z0-9._:-]}.
 *
 * <p>Called on the container's thread of that connection, one frame at a time per connection: hand work off, never
 * block (e.g. {@link WebSocketSessionManager#ask} sends asynchronously). A throwing handler gets the page an
 * {@code INTERNAL} error frame with an error id; the exception is logged, never sent.
 */
public interface ChatHandler {

    /** {@code {"type":"ask","question":...,"questionId":...}} (a question id the page did not give is made up). */
    void ask(WebSocketSessionManager.SessionGrant session, String questionId, String question);

    /**
     * {@code {"type":"resume","questionId":...,"lastSeq":n}}: the page reconnected while waiting for
     * {@code questionId} and has shown the stream up to {@code lastSeq} (-1 for nothing). Only reaches the handler for
     * the session's owner (the page that presented its token).
     */
    void resume(WebSocketSessionManager.SessionGrant session, String questionId, int lastSeq);

    /** {@code {"type":"cancel","questionId":...}}: "stop generating". */
    void cancel(WebSocketSessionManager.SessionGrant session, String questionId);
}
