package io.kafkautility.requestreply;

/**
 * A streamed reply was failed because it would have needed more buffer than allowed: the subscriber did not request
 * chunks fast enough ({@link #buffered()} chunks waiting), or too many chunks arrived ahead of a missing sequence
 * number. Chunks are never dropped silently; the stream ends with this error instead.
 */
public class StreamOverflowException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    private final int buffered;

    public StreamOverflowException(String correlationId, String topic, int buffered, String reason) {
        super("Streamed reply for correlation id " + correlationId + " (request topic " + topic + ") failed: "
                + reason + " (" + buffered + " chunks buffered)", correlationId, topic);
        this.buffered = buffered;
    }

    /** @return how many chunks were buffered when the limit was hit */
    public int buffered() {
        return buffered;
    }
}
