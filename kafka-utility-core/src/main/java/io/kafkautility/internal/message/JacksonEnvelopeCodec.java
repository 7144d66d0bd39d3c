package io.kafkautility.internal.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.KafkaUtilityException;
import io.kafkautility.MessageHeaders;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.RejectReason;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** Jackson implementation of {@link EnvelopeCodec}; one ObjectMapper per instance, configured with the limits. */
public final class JacksonEnvelopeCodec implements EnvelopeCodec {

    static final String CE_HEADER_PREFIX = "ce_";
    private static final Pattern QUOTED_TOKEN = Pattern.compile("token '[^']*'");
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; ");
    private static final int MAX_DETAIL = 200;

    private final JsonLimits limits;
    private final ObjectMapper mapper;
    private final boolean adoptParsedData;

    public JacksonEnvelopeCodec(JsonLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        // the envelope object is one level above the data
        this.adoptParsedData = limits.maxNestingDepth() <= Envelope.MAX_DATA_DEPTH + 1;
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth())
                .maxStringLength(limits.maxStringLength())
                .maxNumberLength(limits.maxNumberLength())
                .maxNameLength(limits.maxNameLength())
                .maxTokenCount(limits.maxTokenCount())
                .maxDocumentLength(limits.maxDocumentBytes())
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        // a duplicate key is rejected (no ambiguity about which value counts) by the tree builder itself, which sees
        // the replaced value anyway: the parser's own duplicate detection kept a second set of every object's names
        // and took a third of the parse time
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                // numbers as written: a double only where it spells the same decimal (see ExactNumbers)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(new ExactNumbers());
    }

    // attribute names, and the values that repeat from message to message, quoted and encoded once
    private static final SerializedString F_SPECVERSION = new SerializedString("specversion");
    private static final SerializedString F_ID = new SerializedString("id");
    private static final SerializedString F_SOURCE = new SerializedString("source");
    private static final SerializedString F_TYPE = new SerializedString("type");
    private static final SerializedString F_TIME = new SerializedString("time");
    private static final SerializedString F_DATACONTENTTYPE = new SerializedString("datacontenttype");
    private static final SerializedString F_DATASCHEMA = new SerializedString("dataschema");
    private static final SerializedString F_DATA = new SerializedString("data");
    private static final SerializedString V_SPECVERSION = new SerializedString(Envelope.SPEC_VERSION);
    private static final byte[] CONTENT_TYPE_BYTES = CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);
    /** Sources, types, content types and schema ids seen: a handful per process (bounded all the same). */
    private final EncodedStrings constants = new EncodedStrings(256);

    /** Encoded forms of strings that repeat; once full, further strings are encoded each time. Thread-safe. */
    static final class EncodedStrings {
        private final int capacity;
        private final java.util.concurrent.ConcurrentHashMap<String, SerializedString> cache =
                new java.util.concurrent.ConcurrentHashMap<>();

        EncodedStrings(int capacity) {
            this.capacity = capacity;
        }

        SerializedString of(String value) {
            SerializedString s = cache.get(value);
            if (s == null) {
                s = new SerializedString(value);
                if (cache.size() < capacity) {
                    cache.putIfAbsent(value, s);
                }
            }
            return s;
        }
    }

    @Override
    public JsonLimits limits() {
        return limits;
    }

    @Override
    public byte[] encode(Envelope e) {
        return encode(e, null);
    }

    /** Writes the data of an envelope into the generator; false stops the encoding. */
    @FunctionalInterface
    public interface DataWriter {
        boolean write(JsonNode data, JsonGenerator g) throws IOException;
    }

    /**
     * Encodes the envelope with the data written by {@code writer} (null: as is), e.g. checking while writing.
     *
     * @return the record value, or null if the writer refused the data
     */
    public byte[] encode(Envelope e, DataWriter writer) {
        Objects.requireNonNull(e, "envelope");
        // streamed straight to bytes: no intermediate tree, no copy of the data
        BufferRecycler recycler = mapper.getFactory()._getBufferRecycler();
        ByteArrayBuilder out = new ByteArrayBuilder(recycler);
        boolean refused = false;
        try (JsonGenerator g = mapper.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName(F_SPECVERSION);
            g.writeString(V_SPECVERSION);
            g.writeFieldName(F_ID);
            g.writeString(e.id());
            g.writeFieldName(F_SOURCE);
            g.writeString(constants.of(e.source()));
            g.writeFieldName(F_TYPE);
            g.writeString(constants.of(e.type()));
            Instant time = e.time().orElse(null);
            if (time != null) {
                g.writeFieldName(F_TIME);
                g.writeString(Rfc3339.format(time));
            }
            g.writeFieldName(F_DATACONTENTTYPE);
            g.writeString(constants.of(e.dataContentType()));
            String schema = e.dataSchema().orElse(null);
            if (schema != null) {
                g.writeFieldName(F_DATASCHEMA);
                g.writeString(constants.of(schema));
            }
            writeOptional(g, "subject", e.subject().orElse(null));
            writeOptional(g, Envelope.EXT_CORRELATION_ID, e.correlationId().orElse(null));
            writeOptional(g, Envelope.EXT_CAUSATION_ID, e.causationId().orElse(null));
            writeOptional(g, Envelope.EXT_TRACEPARENT, e.traceparent().orElse(null));
            for (Map.Entry<String, String> x : e.extensions().entrySet()) {
                g.writeStringField(x.getKey(), x.getValue());
            }
            g.writeFieldName(F_DATA);
            if (writer == null) {
                mapper.writeTree(g, EnvelopeAccess.data(e));
            } else if (!writer.write(EnvelopeAccess.data(e), g)) {
                refused = true; // the output is cut off mid-value and thrown away
            }
            if (!refused) {
                g.writeEndObject();
            }
        } catch (IOException ex) {
            throw new KafkaUtilityException("cannot encode envelope " + e.id() + " of type " + e.type() + ": "
                    + (ex instanceof JsonProcessingException ? ((JsonProcessingException) ex).getOriginalMessage()
                    : ex.getClass().getSimpleName()), ex);
        }
        try {
            return refused ? null : out.toByteArray();
        } finally {
            out.release();
            recycler.releaseToPool();
        }
    }

    @Override
    public byte[] encodeBinary(Envelope e, org.apache.kafka.common.header.Headers headers) {
        Objects.requireNonNull(e, "envelope");
        Objects.requireNonNull(headers, "headers");
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(EnvelopeAccess.data(e));
        } catch (IOException ex) {
            throw new KafkaUtilityException("cannot encode the data of envelope " + e.id() + " of type " + e.type()
                    + ": " + ex.getClass().getSimpleName(), ex);
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put(MessageHeaders.CONTENT_TYPE, e.dataContentType());
        h.put(CE_HEADER_PREFIX + "specversion", Envelope.SPEC_VERSION);
        h.put(CE_HEADER_PREFIX + "id", e.id());
        h.put(CE_HEADER_PREFIX + "source", e.source());
        h.put(CE_HEADER_PREFIX + "type", e.type());
        e.time().ifPresent(t -> h.put(CE_HEADER_PREFIX + "time", Rfc3339.format(t)));
        e.dataSchema().ifPresent(v -> h.put(CE_HEADER_PREFIX + "dataschema", v));
        e.subject().ifPresent(v -> h.put(CE_HEADER_PREFIX + "subject", v));
        e.correlationId().ifPresent(v -> h.put(CE_HEADER_PREFIX + Envelope.EXT_CORRELATION_ID, v));
        e.causationId().ifPresent(v -> h.put(CE_HEADER_PREFIX + Envelope.EXT_CAUSATION_ID, v));
        e.traceparent().ifPresent(v -> h.put(CE_HEADER_PREFIX + Envelope.EXT_TRACEPARENT, v));
        e.extensions().forEach((k, v) -> h.put(CE_HEADER_PREFIX + k, v));
        h.put(MessageHeaders.MESSAGE_ID, e.id());
        h.put(MessageHeaders.MESSAGE_TYPE, e.type());
        e.correlationId().ifPresent(v -> h.put(MessageHeaders.CORRELATION_ID, v));
        e.traceparent().ifPresent(v -> h.put(MessageHeaders.TRACEPARENT, v));
        h.forEach((name, v) -> {
            headers.remove(name);
            headers.add(name, v.getBytes(StandardCharsets.UTF_8));
        });
        return value;
    }

    private static void writeOptional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    @Override
    public Envelope decode(byte[] value) {
        return decode(value, Map.of());
    }

    @Override
    public Envelope decode(byte[] value, Map<String, String> headers) {
        return decodeAny(value, headers, null, null);
    }

    private Envelope decodeAny(byte[] value, Map<String, String> headers,
                               java.util.function.Function<String, TreeReader.NodeCheck> checks,
                               TreeReader.Verdict verdict) {
        Map<String, String> h = headers == null ? Map.of() : headers;
        Envelope envelope;
        if (h.containsKey(CE_HEADER_PREFIX + "specversion")) {
            envelope = decodeBinary(value, h);
        } else {
            String contentType = h.get(MessageHeaders.CONTENT_TYPE);
            if (contentType != null && !MEDIA_TYPE.equals(mediaType(contentType))) {
                throw fail(RejectReason.UNSUPPORTED_CONTENT_TYPE, "content-type '" + abbreviate(contentType)
                        + "' is not " + MEDIA_TYPE + " (structured mode) and there is no ce_specversion header (binary mode)",
                        null, null, null);
            }
            JsonNode root = parse(value, checks, verdict);
            if (!root.isObject()) {
                throw fail(RejectReason.INVALID_ENVELOPE, "the value is a JSON " + root.getNodeType().name().toLowerCase(Locale.ROOT)
                        + ", not a CloudEvents object", null, null, null);
            }
            envelope = fromStructured((ObjectNode) root);
        }
        checkHeader(h, MessageHeaders.MESSAGE_ID, envelope.id(), envelope);
        checkHeader(h, MessageHeaders.MESSAGE_TYPE, envelope.type(), envelope);
        checkHeader(h, MessageHeaders.CORRELATION_ID, envelope.correlationId().orElse(null), envelope);
        return envelope;
    }

    @Override
    public Map<String, String> headers(Envelope e) {
        Objects.requireNonNull(e, "envelope");
        Map<String, String> h = new LinkedHashMap<>();
        h.put(MessageHeaders.CONTENT_TYPE, CONTENT_TYPE);
        h.put(MessageHeaders.MESSAGE_ID, e.id());
        h.put(MessageHeaders.MESSAGE_TYPE, e.type());
        e.correlationId().ifPresent(v -> h.put(MessageHeaders.CORRELATION_ID, v));
        e.traceparent().ifPresent(v -> h.put(MessageHeaders.TRACEPARENT, v));
        return h;
    }

    /** As {@link #headers} would write them, without the intermediate map; repeated values are encoded once. */
    @Override
    public void writeHeaders(Envelope e, org.apache.kafka.common.header.Headers headers) {
        Objects.requireNonNull(e, "envelope");
        Objects.requireNonNull(headers, "headers");
        boolean empty = !headers.iterator().hasNext(); // the producer's fresh headers: nothing to replace
        put(headers, empty, MessageHeaders.CONTENT_TYPE, CONTENT_TYPE_BYTES.clone()); // header values are mutable arrays
        put(headers, empty, MessageHeaders.MESSAGE_ID, e.id().getBytes(StandardCharsets.UTF_8));
        put(headers, empty, MessageHeaders.MESSAGE_TYPE, constants.of(e.type()).asUnquotedUTF8().clone());
        String correlation = e.correlationId().orElse(null);
        if (correlation != null) {
            put(headers, empty, MessageHeaders.CORRELATION_ID, correlation.getBytes(StandardCharsets.UTF_8));
        }
        String traceparent = e.traceparent().orElse(null);
        if (traceparent != null) {
            put(headers, empty, MessageHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(org.apache.kafka.common.header.Headers headers, boolean empty, String name, byte[] value) {
        if (!empty) {
            headers.remove(name);
        }
        headers.add(name, value);
    }

    /** Parses untrusted bytes within the limits. */
    public JsonNode parse(byte[] value) {
        return parse(value, null, null);
    }

    /**
     * As {@link #decode(byte[], Map)}, checking a structured envelope's data while it is read when {@code checks} has a
     * check for its {@code dataschema}; {@code verdict} then says whether it passed.
     */
    public Envelope decode(byte[] value, Map<String, String> headers,
                           java.util.function.Function<String, TreeReader.NodeCheck> checks, TreeReader.Verdict verdict) {
        return decodeAny(value, headers, checks, verdict);
    }

    private JsonNode parse(byte[] value, java.util.function.Function<String, TreeReader.NodeCheck> checks,
                           TreeReader.Verdict verdict) {
        if (value == null || value.length == 0) {
            throw fail(RejectReason.INVALID_JSON, "the record value is " + (value == null ? "null" : "empty"), null, null, null);
        }
        if (value.length > limits.maxDocumentBytes()) {
            throw fail(RejectReason.LIMITS_EXCEEDED, "the value is " + value.length + " bytes, more than the limit of "
                    + limits.maxDocumentBytes(), null, null, null);
        }
        try (JsonParser p = mapper.getFactory().createParser(value)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw fail(RejectReason.INVALID_JSON, "the record value holds no JSON", null, null, null);
            }
            JsonNode node = checks == null ? TreeReader.read(p, first) : TreeReader.readRoot(p, first, checks, verdict);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw fail(RejectReason.INVALID_JSON, "not valid JSON: Trailing token (of type " + trailing
                        + ") found after the value (at line "
                        + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr() + ")",
                        null, null, null);
            }
            return node;
        } catch (StreamConstraintsException ex) {
            throw fail(RejectReason.LIMITS_EXCEEDED, "JSON limit exceeded: " + detail(ex), null, null, ex);
        } catch (JsonProcessingException ex) {
            throw fail(RejectReason.INVALID_JSON, "not valid JSON: " + detail(ex), null, null, ex);
        } catch (IOException ex) {
            throw fail(RejectReason.INVALID_JSON, "not readable JSON: " + ex.getClass().getSimpleName(), null, null, ex);
        }
    }

    private Envelope fromStructured(ObjectNode n) {
        String id = n.path("id").isTextual() ? n.get("id").asText() : null;
        String type = n.path("type").isTextual() ? n.get("type").asText() : null;
        requireAttribute(n.get("specversion"), "specversion", type, id);
        if (!Envelope.SPEC_VERSION.equals(n.get("specversion").asText())) {
            throw fail(RejectReason.INVALID_ENVELOPE, "specversion must be " + Envelope.SPEC_VERSION, type, id, null);
        }
        requireAttribute(n.get("id"), "id", type, id);
        requireAttribute(n.get("source"), "source", type, id);
        requireAttribute(n.get("type"), "type", type, id);
        if (n.has("data_base64")) {
            throw fail(RejectReason.INVALID_ENVELOPE, "data_base64 is not supported; data must be JSON", type, id, null);
        }
        JsonNode data = n.get("data");
        if (data == null) {
            throw fail(RejectReason.INVALID_ENVELOPE, "data is missing", type, id, null);
        }
        // one pass over the attributes straight into the builder: no intermediate map
        return build(b -> {
            for (Map.Entry<String, JsonNode> f : n.properties()) {
                String name = f.getKey();
                JsonNode v = f.getValue();
                if (v.isNull() || name.equals("data") || name.equals("specversion")) {
                    continue;
                }
                if (!v.isValueNode()) {
                    throw fail(RejectReason.INVALID_ENVELOPE, "attribute '" + abbreviate(name)
                            + "' must be a string, number or boolean", type, id, null);
                }
                attribute(b, name, v.asText(), type, id);
            }
        }, data, type, id);
    }

    /** Sets one CloudEvents attribute on the builder: a known one by name, any other as an extension. */
    private static void attribute(Envelope.Builder b, String name, String value, String type, String id) {
        switch (name) {
            case "id" -> b.id(value);
            case "source" -> b.source(value);
            case "type" -> b.type(value);
            case "time" -> b.time(parseTime(value));
            case "datacontenttype" -> {
                if (!Envelope.DATA_CONTENT_TYPE.equals(mediaType(value))) {
                    throw fail(RejectReason.INVALID_ENVELOPE, "datacontenttype must be " + Envelope.DATA_CONTENT_TYPE
                            + " but was '" + abbreviate(value) + "'", type, id, null);
                }
            }
            case "dataschema" -> b.dataSchema(value);
            case "subject" -> b.subject(value);
            case Envelope.EXT_CORRELATION_ID -> b.correlationId(value);
            case Envelope.EXT_CAUSATION_ID -> b.causationId(value);
            case Envelope.EXT_TRACEPARENT -> b.traceparent(value);
            default -> b.extension(name, value);
        }
    }

    private Envelope decodeBinary(byte[] value, Map<String, String> h) {
        String id = h.get(CE_HEADER_PREFIX + "id");
        String type = h.get(CE_HEADER_PREFIX + "type");
        if (!Envelope.SPEC_VERSION.equals(h.get(CE_HEADER_PREFIX + "specversion"))) {
            throw fail(RejectReason.INVALID_ENVELOPE, "ce_specversion must be " + Envelope.SPEC_VERSION, type, id, null);
        }
        String contentType = h.get(MessageHeaders.CONTENT_TYPE);
        if (contentType != null && !Envelope.DATA_CONTENT_TYPE.equals(mediaType(contentType))) {
            throw fail(RejectReason.UNSUPPORTED_CONTENT_TYPE, "binary-mode content-type '" + abbreviate(contentType)
                    + "' is not " + Envelope.DATA_CONTENT_TYPE, type, id, null);
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        h.forEach((k, v) -> {
            if (k.startsWith(CE_HEADER_PREFIX) && !k.equals(CE_HEADER_PREFIX + "specversion")) {
                attributes.put(k.substring(CE_HEADER_PREFIX.length()), v);
            }
        });
        if (contentType != null) {
            attributes.put("datacontenttype", contentType);
        }
        for (String required : List.of("id", "source", "type")) {
            if (attributes.get(required) == null || attributes.get(required).isEmpty()) {
                throw fail(RejectReason.INVALID_ENVELOPE, "ce_" + required + " header is missing", type, id, null);
            }
        }
        JsonNode data;
        try {
            data = parse(value);
        } catch (MessageValidationException e) {
            throw fail(e.reason(), e.detail(), type, id, e.getCause());
        }
        return build(b -> attributes.forEach((k, v) -> attribute(b, k, v, type, id)), data, type, id);
    }

    /** A builder given the attributes by {@code attributes}, the data adopted or copied, errors as INVALID_ENVELOPE. */
    private Envelope build(java.util.function.Consumer<Envelope.Builder> attributes, JsonNode data, String type,
                           String id) {
        try {
            Envelope.Builder b = Envelope.builder().time(null); // no time attribute: none, not the reader's now
            attributes.accept(b);
            // a tree this reader just parsed within its nesting limit is handed over, not copied
            return (adoptParsedData ? EnvelopeAccess.adoptData(b, data) : b.data(data)).build();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw fail(RejectReason.INVALID_ENVELOPE, e.getMessage(), type, id, null);
        }
    }

    private static Instant parseTime(String time) {
        try {
            return Rfc3339.parse(time);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time must be an RFC 3339 timestamp");
        }
    }

    private static void requireAttribute(JsonNode v, String name, String type, String id) {
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw fail(RejectReason.INVALID_ENVELOPE, "required attribute '" + name + "' is missing or not a non-empty string",
                    type, id, null);
        }
    }

    private static void checkHeader(Map<String, String> h, String header, String expected, Envelope e) {
        String actual = h.get(header);
        if (actual != null && !actual.equals(expected)) {
            throw fail(RejectReason.INVALID_ENVELOPE, "header " + header + " does not match the envelope", e.type(), e.id(), null);
        }
    }

    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static String detail(JsonProcessingException ex) {
        String msg = ex.getOriginalMessage() == null ? ex.getClass().getSimpleName() : ex.getOriginalMessage();
        msg = QUOTED_TOKEN.matcher(msg).replaceAll("token '<redacted>'");
        msg = SOURCE.matcher(msg).replaceAll("[");
        if (msg.length() > MAX_DETAIL) {
            msg = msg.substring(0, MAX_DETAIL) + "...";
        }
        if (ex.getLocation() != null) {
            msg += " (at line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")";
        }
        return msg;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static MessageValidationException fail(RejectReason reason, String detail, String type, String id, Throwable cause) {
        return new MessageValidationException(reason, detail, type == null ? null : abbreviate(type),
                id == null ? null : abbreviate(id), List.of(), cause);
    }
}
