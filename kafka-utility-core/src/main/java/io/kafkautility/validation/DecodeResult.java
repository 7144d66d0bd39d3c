package io.kafkautility.validation;

import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageType;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link MessageValidator#decode(byte[], java.util.Map)}: either a valid {@link Envelope} whose data
 * satisfies its schema, or a rejection with a {@link RejectReason}, a safe message (never the payload) and the schema
 * violations, for the dead-letter path.
 *
 * <p>Immutable and thread-safe.
 */
public final class DecodeResult {

    private final Envelope envelope;
    private final MessageType validatedAgainst;
    private final MessageValidationException failure;

    private DecodeResult(Envelope envelope, MessageType validatedAgainst, MessageValidationException failure) {
        this.envelope = envelope;
        this.validatedAgainst = validatedAgainst;
        this.failure = failure;
    }

    /**
     * @param envelope         the valid envelope
     * @param validatedAgainst the schema version the data was validated against
     * @return a valid result
     */
    public static DecodeResult valid(Envelope envelope, MessageType validatedAgainst) {
        return new DecodeResult(Objects.requireNonNull(envelope, "envelope"),
                Objects.requireNonNull(validatedAgainst, "validatedAgainst"), null);
    }

    /**
     * @param failure why the record was rejected
     * @return a rejected result
     */
    public static DecodeResult rejected(MessageValidationException failure) {
        return new DecodeResult(null, null, Objects.requireNonNull(failure, "failure"));
    }

    /** @return whether the record decoded to a valid envelope */
    public boolean isValid() {
        return envelope != null;
    }

    /**
     * @return the valid envelope
     * @throws MessageValidationException the failure, if the record was rejected
     */
    public Envelope envelope() {
        if (failure != null) {
            throw failure;
        }
        return envelope;
    }

    /**
     * @return the schema version the data was validated against: the claimed version when known, else the newest known
     * minor of the same major (a newer, compatible minor read tolerantly); empty if rejected
     */
    public Optional<MessageType> validatedAgainst() {
        return Optional.ofNullable(validatedAgainst);
    }

    /** @return the rejection, empty if valid */
    public Optional<MessageValidationException> failure() {
        return Optional.ofNullable(failure);
    }

    /** @return the rejection reason, empty if valid */
    public Optional<RejectReason> reason() {
        return failure == null ? Optional.empty() : Optional.of(failure.reason());
    }

    /** @return the safe rejection message (never the payload), empty if valid */
    public Optional<String> message() {
        return failure == null ? Optional.empty() : Optional.of(failure.getMessage());
    }

    /** @return schema violations, empty if valid or rejected for another reason */
    public List<ValidationError> errors() {
        return failure == null ? List.of() : failure.errors();
    }

    @Override
    public String toString() {
        return isValid() ? "DecodeResult{valid " + envelope + " as " + validatedAgainst + '}'
                : "DecodeResult{rejected " + failure.getMessage() + '}';
    }
}
