package io.kafkautility.requestreply;

import io.kafkautility.KafkaUtilityException;
import java.util.Objects;

/**
 * Thrown (or used to fail the stage) by a {@link RequestHandler} or {@link StreamingRequestHandler} to reject a request
 * with a code and a message meant for the requester: the error reply carries both, and the requester's
 * {@link RemoteReplyException} has them as {@link RemoteReplyException#errorCode()} and
 * {@link RemoteReplyException#remoteMessage()}. Any other exception becomes code {@value #HANDLER_FAILED} with no
 * message: its text stays in the responder's log, under the error id the reply carries.
 *
 * <p>Write the message for the caller: it leaves the service.
 */
public class RequestRejectedException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;

    /** The code of an error reply for any handler exception other than this one. */
    public static final String HANDLER_FAILED = "HANDLER_FAILED";
    /** The code of an error reply for a request whose payload the request codec could not decode. */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";

    private final String code;

    /**
     * @param code          a short machine-readable code, e.g. {@code NOT_FOUND} (letters, digits, {@code _ . -}, at
     *                      most 64)
     * @param publicMessage the message the requester gets; may be empty, never null
     */
    public RequestRejectedException(String code, String publicMessage) {
        super(Objects.requireNonNull(publicMessage, "publicMessage must not be null"));
        if (code == null || !code.matches("[A-Za-z0-9_.\\-]{1,64}")) {
            throw new IllegalArgumentException("code must be 1 to 64 of [A-Za-z0-9_.-] but was '" + code + "'");
        }
        this.code = code;
    }

    /** @return the code sent to the requester */
    public String code() {
        return code;
    }
}
