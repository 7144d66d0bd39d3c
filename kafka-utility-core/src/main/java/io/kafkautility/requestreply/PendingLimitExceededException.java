package io.kafkautility.requestreply;

/**
 * The request was rejected before it was sent because the client already has
 * {@link RequestReplyOptions#maxPendingRequests()} requests waiting for replies. Nothing was sent; trying again later
 * is safe, so this is retriable.
 */
public class PendingLimitExceededException extends RequestReplyException {

    private static final long serialVersionUID = 1L;

    private final int limit;

    public PendingLimitExceededException(String topic, int limit) {
        super("Request to topic " + topic + " rejected: " + limit + " requests already pending (maxPendingRequests)",
                null, topic);
        this.limit = limit;
    }

    /** @return the configured maximum number of pending requests */
    public int limit() {
        return limit;
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
