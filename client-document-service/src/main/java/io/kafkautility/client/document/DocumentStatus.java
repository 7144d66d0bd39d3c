package io.kafkautility.client.document;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Outcome of processing a document, as carried by {@code rag.document.processed}. */
public enum DocumentStatus {
    /** Every page was processed. */
    SUCCESS,
    /** Nothing usable came out; the event then must carry an {@link DocumentError}. */
    FAILED,
    /** Some chunks were produced, some parts failed. */
    PARTIAL;

    /** The value on the wire ({@code success}, {@code failed}, {@code partial}). */
    @JsonValue
    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
