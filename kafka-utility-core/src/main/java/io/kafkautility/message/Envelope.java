package io.kafkautility.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.internal.message.EnvelopeAccess;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The standard envelope of every kafka-utility message: a CloudEvents 1.0 event, written in structured JSON mode
 * ({@code content-type: application/cloudevents+json}) by {@link EnvelopeCodec}.
 *
 * <p>Attributes: {@code specversion} (always {@value #SPEC_VERSION}), {@code id} (unique message id, a random UUID
 * unless set), {@code source} (the sending service, a URI-reference such as {@code /rag/document-service}),
 * {@code type} (e.g. {@code rag.document.processed}), {@code time}, {@code datacontenttype} (always
 * {@code application/json}), {@code dataschema} (the {@code $id} of the exact schema version, see {@link MessageType}),
 * {@code subject}, and the extensions {@code correlationid}, {@code causationid} and {@code traceparent} (W3C trace
 * context). Other string extensions received from foreign producers are kept in {@link #extensions()}.
 * {@code data} is a JSON value.
 *
 * <p>Immutable and thread-safe: {@code data} is deep-copied on the way in and on the way out. {@link #toString()} never
 * prints the data. Built with {@link #builder()}; the builder rejects bad values at the call with
 * {@link IllegalArgumentException}.
 */
public final class Envelope {

    /** The CloudEvents spec version written and accepted. */
    public static final String SPEC_VERSION = "1.0";

    /** The only {@code datacontenttype} kafka-utility writes and accepts. */
    public static final String DATA_CONTENT_TYPE = "application/json";

    /** CloudEvents extension attribute name of the correlation id. */
    public static final String EXT_CORRELATION_ID = "correlationid";

    /** CloudEvents extension attribute name of the causation id (the id of the message that caused this one). */
    public static final String EXT_CAUSATION_ID = "causationid";

    /** CloudEvents extension attribute name of the W3C trace context. */
    public static final String EXT_TRACEPARENT = "traceparent";

    /** Context attribute names defined by CloudEvents 1.0 or by kafka-utility; not usable as free extensions. */
    public static final Set<String> RESERVED_ATTRIBUTES = Set.of("specversion", "id", "source", "type", "time",
            "datacontenttype", "dataschema", "subject", "data", "data_base64",
            EXT_CORRELATION_ID, EXT_CAUSATION_ID, EXT_TRACEPARENT);

    /** The deepest data tree an envelope accepts (a reader's {@link JsonLimits} are usually far lower). */
    public static final int MAX_DATA_DEPTH = 1000;

    static final int MAX_ATTRIBUTE_LENGTH = 1024;
    static final int MAX_EXTENSIONS = 32;
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final String id;
    private final String source;
    private final String type;
    private final Instant time;
    private final String dataSchema;
    private final String subject;
    private final String correlationId;
    private final String causationId;
    private final String traceparent;
    private final Map<String, String> extensions;
    private final JsonNode data;

    static {
        EnvelopeAccess.install(new EnvelopeAccess.Accessor() {
            @Override
            public JsonNode data(Envelope envelope) {
                return envelope.data;
            }

            @Override
            public Builder adoptData(Builder builder, JsonNode data) {
                builder.data = Objects.requireNonNull(data, "data");
                return builder;
            }
        });
    }

    private Envelope(Builder b) {
        this.id = b.id != null ? b.id : newId();
        this.source = b.source;
        this.type = b.type;
        this.time = b.time;
        this.dataSchema = b.dataSchema;
        this.subject = b.subject;
        this.correlationId = b.correlationId;
        this.causationId = b.causationId;
        this.traceparent = b.traceparent;
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(b.extensions));
        this.data = b.data;
    }

    /** @return a new builder; {@code id} defaults to a random UUID and {@code time} to now */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder pre-filled with every attribute of this envelope (same id: use to re-send, not for new messages) */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.source = source;
        b.type = type;
        b.time = time;
        b.timeSet = true;
        b.dataSchema = dataSchema;
        b.subject = subject;
        b.correlationId = correlationId;
        b.causationId = causationId;
        b.traceparent = traceparent;
        b.extensions.putAll(extensions);
        b.data = data;
        return b;
    }

    /**
     * A new message id: a version 7 UUID (RFC 9562), the creation millisecond followed by 74 random bits. Time-ordered
     * ids keep a dedup store's index local; the random bits come from {@link ThreadLocalRandom} instead of
     * {@code SecureRandom} (an id must be unique, not secret), which costs a tenth of {@link UUID#randomUUID()}.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /** @return the CloudEvents spec version, always {@value #SPEC_VERSION} */
    public String specVersion() {
        return SPEC_VERSION;
    }

    /**
     * @return the unique message id (CloudEvents {@code id}); stable across re-sends of the same message. Unless the
     *     builder was given one, a version 7 (time-ordered) UUID.
     */
    public String id() {
        return id;
    }

    /** @return the sending service (CloudEvents {@code source}), a URI-reference */
    public String source() {
        return source;
    }

    /** @return the type name (CloudEvents {@code type}), e.g. {@code rag.document.processed} */
    public String type() {
        return type;
    }

    /** @return when the event happened (CloudEvents {@code time}); empty only for foreign events that omit it */
    public Optional<Instant> time() {
        return Optional.ofNullable(time);
    }

    /** @return the data content type, always {@value #DATA_CONTENT_TYPE} */
    public String dataContentType() {
        return DATA_CONTENT_TYPE;
    }

    /** @return the {@code $id} of the exact schema version of {@link #data()} (CloudEvents {@code dataschema}) */
    public Optional<String> dataSchema() {
        return Optional.ofNullable(dataSchema);
    }

    /**
     * @return the type and version this envelope claims, parsed from {@code dataschema}; empty if {@code dataschema}
     * is absent or not a kafka-utility schema id
     */
    public Optional<MessageType> messageType() {
        return MessageType.fromSchemaId(dataSchema).filter(t -> t.name().equals(type));
    }

    /** @return the subject (CloudEvents {@code subject}), e.g. the document id */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** @return the correlation id shared by a request and its replies or by one business flow */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** @return the id of the message that caused this one */
    public Optional<String> causationId() {
        return Optional.ofNullable(causationId);
    }

    /** @return the W3C {@code traceparent} */
    public Optional<String> traceparent() {
        return Optional.ofNullable(traceparent);
    }

    /** @return other CloudEvents extension attributes (string values), unmodifiable, in insertion order */
    public Map<String, String> extensions() {
        return extensions;
    }

    /** @return a deep copy of the data (the payload) */
    public JsonNode data() {
        return data.deepCopy();
    }

    /** @return the id, type, dataschema, source and correlation id; never the data */
    @Override
    public String toString() {
        return "Envelope{id=" + id + ", type=" + type + ", dataschema=" + dataSchema + ", source=" + source
                + (correlationId != null ? ", correlationid=" + correlationId : "") + '}';
    }

    /** Equality over every attribute and the data. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Envelope)) {
            return false;
        }
        Envelope e = (Envelope) o;
        return id.equals(e.id) && source.equals(e.source) && type.equals(e.type) && Objects.equals(time, e.time)
                && Objects.equals(dataSchema, e.dataSchema) && Objects.equals(subject, e.subject)
                && Objects.equals(correlationId, e.correlationId) && Objects.equals(causationId, e.causationId)
                && Objects.equals(traceparent, e.traceparent) && extensions.equals(e.extensions) && data.equals(e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, type, source);
    }

    /**
     * Builds an {@link Envelope}. Not thread-safe; each setter validates its argument and throws
     * {@link IllegalArgumentException} (or {@link NullPointerException} for a null required value) at the call.
     */
    public static final class Builder {
        private String id;
        private String source;
        private String type;
        private Instant time;
        private boolean timeSet;
        private String dataSchema;
        private String subject;
        private String correlationId;
        private String causationId;
        private String traceparent;
        private final Map<String, String> extensions = new LinkedHashMap<>();
        private JsonNode data;

        private Builder() {
        }

        /**
         * @param id unique message id; default a random UUID
         * @return this builder
         */
        public Builder id(String id) {
            this.id = attribute("id", id);
            return this;
        }

        /**
         * @param source the sending service, a URI-reference such as {@code /rag/document-service}; required
         * @return this builder
         */
        public Builder source(String source) {
            this.source = attribute("source", source);
            return this;
        }

        /**
         * Sets {@code type} to the type name and {@code dataschema} to the schema {@code $id} of this exact version.
         *
         * @param messageType the type and version of the data; required (or {@link #type(String)})
         * @return this builder
         */
        public Builder messageType(MessageType messageType) {
            Objects.requireNonNull(messageType, "messageType");
            this.type = messageType.name();
            this.dataSchema = messageType.schemaId();
            return this;
        }

        /**
         * Sets the raw CloudEvents {@code type}; prefer {@link #messageType(MessageType)}.
         *
         * @param type the type name
         * @return this builder
         */
        public Builder type(String type) {
            this.type = attribute("type", type);
            return this;
        }

        /**
         * Sets the raw CloudEvents {@code dataschema}; prefer {@link #messageType(MessageType)}.
         *
         * @param dataSchema the schema {@code $id}, or {@code null} for none
         * @return this builder
         */
        public Builder dataSchema(String dataSchema) {
            this.dataSchema = optional("dataschema", dataSchema);
            return this;
        }

        /**
         * @param time when the event happened; default the instant {@link #build()} is called; {@code null} for none
         * @return this builder
         */
        public Builder time(Instant time) {
            this.time = time;
            this.timeSet = true;
            return this;
        }

        /**
         * @param subject the subject of the event within the source, e.g. a document id; {@code null} for none
         * @return this builder
         */
        public Builder subject(String subject) {
            this.subject = optional("subject", subject);
            return this;
        }

        /**
         * @param correlationId the correlation id; {@code null} for none
         * @return this builder
         */
        public Builder correlationId(String correlationId) {
            this.correlationId = optional(EXT_CORRELATION_ID, correlationId);
            return this;
        }

        /**
         * @param causationId the id of the message that caused this one; {@code null} for none
         * @return this builder
         */
        public Builder causationId(String causationId) {
            this.causationId = optional(EXT_CAUSATION_ID, causationId);
            return this;
        }

        /**
         * @param traceparent a W3C trace context {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}); {@code null} for none
         * @return this builder
         * @throws IllegalArgumentException if not of that form
         */
        public Builder traceparent(String traceparent) {
            if (traceparent != null && !TRACEPARENT.matcher(traceparent).matches()) {
                throw new IllegalArgumentException("traceparent must be a W3C trace context (00-<32 hex>-<16 hex>-<2 hex>)");
            }
            this.traceparent = traceparent;
            return this;
        }

        /**
         * Marks this envelope as caused by {@code cause}: causation id = the cause's id; correlation id = the cause's
         * correlation id, or its id when it has none; traceparent copied when this builder has none.
         *
         * @param cause the message being answered or reacted to
         * @return this builder
         */
        public Builder causedBy(Envelope cause) {
            Objects.requireNonNull(cause, "cause");
            this.causationId = cause.id;
            this.correlationId = cause.correlationId != null ? cause.correlationId : cause.id;
            if (this.traceparent == null) {
                this.traceparent = cause.traceparent;
            }
            return this;
        }

        /**
         * Adds a free CloudEvents extension attribute.
         *
         * @param name  lowercase alphanumeric, 1 to 20 characters, not a reserved attribute name
         * @param value string value, at most 1024 characters; {@code null} removes the extension
         * @return this builder
         * @throws IllegalArgumentException for a bad name, a reserved name, or more than 32 extensions
         */
        public Builder extension(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (!EXTENSION_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("extension name must be 1 to 20 lowercase letters or digits but was '"
                        + MessageType.abbreviate(name) + "'");
            }
            if (RESERVED_ATTRIBUTES.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is a reserved attribute, not a free extension");
            }
            if (value == null) {
                extensions.remove(name);
                return this;
            }
            if (!extensions.containsKey(name) && extensions.size() >= MAX_EXTENSIONS) {
                throw new IllegalArgumentException("at most " + MAX_EXTENSIONS + " extensions are allowed");
            }
            extensions.put(name, optional(name, value));
            return this;
        }

        /**
         * @param data the payload; deep-copied; required
         * @return this builder
         * @throws IllegalArgumentException if the data is nested deeper than {@link #MAX_DATA_DEPTH}
         */
        public Builder data(JsonNode data) {
            Objects.requireNonNull(data, "data");
            this.data = boundedCopy(data, 1);
            return this;
        }

        /** One pass: copies the containers (value nodes are immutable) and refuses a tree deeper than the limit. */
        private static JsonNode boundedCopy(JsonNode node, int depth) {
            if (!node.isContainerNode()) {
                return node;
            }
            if (depth > MAX_DATA_DEPTH) {
                throw new IllegalArgumentException("data must be nested at most " + MAX_DATA_DEPTH + " levels deep");
            }
            if (node.isArray()) {
                ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
                for (JsonNode child : node) {
                    copy.add(boundedCopy(child, depth + 1));
                }
                return copy;
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (java.util.Map.Entry<String, JsonNode> e : node.properties()) {
                copy.set(e.getKey(), boundedCopy(e.getValue(), depth + 1));
            }
            return copy;
        }

        /**
         * @return the envelope
         * @throws IllegalStateException if {@code source}, {@code type} or {@code data} is missing
         */
        public Envelope build() {
            if (source == null) {
                throw new IllegalStateException("source is required");
            }
            if (type == null) {
                throw new IllegalStateException("type is required (set messageType)");
            }
            if (data == null) {
                throw new IllegalStateException("data is required");
            }
            if (!timeSet) {
                time = Instant.now();
            }
            return new Envelope(this);
        }

        private static String attribute(String name, String value) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return optional(name, value);
        }

        private static String optional(String name, String value) {
            if (value != null && value.length() > MAX_ATTRIBUTE_LENGTH) {
                throw new IllegalArgumentException(name + " must be at most " + MAX_ATTRIBUTE_LENGTH
                        + " characters but was " + value.length());
            }
            return value;
        }
    }
}
