package io.kafkautility.internal.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.message.Envelope;
import java.util.Objects;

/**
 * The library's no-copy access to an {@link Envelope}'s data (the public {@link Envelope#data()} hands out a deep
 * copy, which would cost a full tree copy per validation and per encoding). Internal: the library promises never to
 * mutate a node obtained here, and only adopts freshly parsed trees that nobody else references.
 * Installed once by {@code Envelope}'s static initializer (the JDK's "shared secrets" pattern).
 */
public final class EnvelopeAccess {

    /** Implemented by {@code Envelope}. */
    public interface Accessor {
        JsonNode data(Envelope envelope);

        Envelope.Builder adoptData(Envelope.Builder builder, JsonNode data);
    }

    private static volatile Accessor accessor;

    private EnvelopeAccess() {
    }

    /** Called once by {@code Envelope}; a second call is refused. */
    public static synchronized void install(Accessor a) {
        if (accessor != null) {
            throw new IllegalStateException("already installed");
        }
        accessor = Objects.requireNonNull(a, "accessor");
    }

    /** The envelope's data itself: read-only by contract. */
    public static JsonNode data(Envelope envelope) {
        return accessor().data(envelope);
    }

    /**
     * Sets {@code data} without copying it; the caller hands the tree over (e.g. just parsed within the reader's
     * nesting limit) and never touches it again.
     */
    public static Envelope.Builder adoptData(Envelope.Builder builder, JsonNode data) {
        return accessor().adoptData(builder, data);
    }

    private static Accessor accessor() {
        Accessor a = accessor;
        if (a == null) {
            try {
                Class.forName(Envelope.class.getName(), true, Envelope.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = accessor;
        }
        return a;
    }
}
