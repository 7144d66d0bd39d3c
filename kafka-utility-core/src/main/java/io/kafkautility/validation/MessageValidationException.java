package io.kafkautility.validation;

import io.kafkautility.KafkaUtilityException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message is invalid: thrown on produce (the message is never sent) and by the codec on consume. Lists every
 * schema violation in {@link #errors()}. Never retriable, never counted by a circuit breaker. The message names the
 * type, the reason and the violations, never the payload.
 */
public class MessageValidationException extends KafkaUtilityException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_LISTED = 20;

    private final RejectReason reason;
    private final String detail;
    private final String messageType;
    private final String messageId;
    private final List<ValidationError> errors;

    /**
     * @param reason      why
     * @param detail      safe description (no payload)
     * @param messageType the type name or {@code type vX.Y}, {@code null} if unknown
     * @param messageId   the message id, {@code null} if unknown
     * @param errors      every schema violation, possibly empty; copied
     */
    public MessageValidationException(RejectReason reason, String detail, String messageType, String messageId,
                                      List<ValidationError> errors) {
        this(reason, detail, messageType, messageId, errors, null);
    }

    /**
     * @param reason      why
     * @param detail      safe description (no payload)
     * @param messageType the type name or {@code type vX.Y}, {@code null} if unknown
     * @param messageId   the message id, {@code null} if unknown
     * @param errors      every schema violation, possibly empty; copied
     * @param cause       the underlying parser error, or {@code null}
     */
    public MessageValidationException(RejectReason reason, String detail, String messageType, String messageId,
                                      List<ValidationError> errors, Throwable cause) {
        super(format(reason, detail, messageType, messageId, errors), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = detail;
        this.messageType = messageType;
        this.messageId = messageId;
        this.errors = List.copyOf(errors);
    }

    /** @return why the message was rejected */
    public RejectReason reason() {
        return reason;
    }

    /** @return the safe description of the problem, without the reason, type, id and error list */
    public String detail() {
        return detail;
    }

    /** @return the message type (name, or name and version), if it was known */
    public Optional<String> messageType() {
        return Optional.ofNullable(messageType);
    }

    /** @return the message id, if it was known */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** @return every schema violation (empty unless {@link #reason()} is {@code SCHEMA_VIOLATION}), unmodifiable */
    public List<ValidationError> errors() {
        return errors;
    }

    private static String format(RejectReason reason, String detail, String type, String id, List<ValidationError> errors) {
        StringBuilder sb = new StringBuilder().append(reason);
        if (type != null) {
            sb.append(" ").append(type);
        }
        if (id != null) {
            sb.append(" id=").append(id);
        }
        sb.append(": ").append(detail);
        int n = Math.min(errors.size(), MAX_LISTED);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? " - " : "; ").append(errors.get(i));
        }
        if (errors.size() > n) {
            sb.append("; and ").append(errors.size() - n).append(" more");
        }
        return sb.toString();
    }
}
