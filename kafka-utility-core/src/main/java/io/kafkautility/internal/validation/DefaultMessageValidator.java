package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.internal.message.EnvelopeAccess;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;
import io.kafkautility.internal.message.JacksonEnvelopeCodec;
import io.kafkautility.internal.message.TreeReader;
import io.kafkautility.internal.validation.schema.CompiledSchema;
import io.kafkautility.internal.validation.schema.Ecma262;
import io.kafkautility.internal.validation.schema.SchemaCompiler;
import io.kafkautility.internal.validation.schema.SchemaWalk;
import io.kafkautility.internal.validation.schema.UnsupportedSchemaException;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageDefinition;
import io.kafkautility.message.MessageType;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import io.kafkautility.validation.RejectReason;
import io.kafkautility.validation.ValidationError;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link MessageValidator} on schemas compiled once at construction: by {@link SchemaCompiler} (the library's own
 * compiler, for the keyword subset its schemas use), and by networknt json-schema-validator for any schema outside
 * that subset (fail closed, with an INFO line at start-up naming the schema and what the compiler refused). Both read
 * {@code pattern} as ECMA-262 ({@link Ecma262}).
 */
public final class DefaultMessageValidator implements MessageValidator {

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageValidator.class);

    private static final String CLASSPATH = "classpath:";
    /** The nesting depth of the data in a structured envelope (the envelope object is one level above it). */
    private static final int DATA_DEPTH = 2;
    private static final Set<String> UNKNOWN_PROPERTY_KEYWORDS = Set.of("additionalProperties", "unevaluatedProperties");

    private final MessageCatalog catalog;
    private final JsonLimits limits;
    private final JacksonEnvelopeCodec codec;
    private final Map<MessageType, TypeSchema> schemas;
    private final Map<String, MessageType> knownSchemaIds; // dataschema -> type for the versions compiled here
    private final Map<String, TreeReader.NodeCheck> readChecks; // dataschema -> the check applied while reading

    public DefaultMessageValidator(MessageCatalog catalog, JsonLimits limits, ClassLoader classLoader) {
        this(catalog, limits, classLoader, true);
    }

    /**
     * @param compile false to validate every schema with networknt (the fallback path), as tests of it do
     */
    public DefaultMessageValidator(MessageCatalog catalog, JsonLimits limits, ClassLoader classLoader, boolean compile) {
        this.catalog = catalog;
        this.limits = limits;
        this.codec = new JacksonEnvelopeCodec(limits);
        JsonSchemaFactory factory = newFactory(classLoader);
        SchemaValidatorsConfig config = networkntConfig(new EcmaRegularExpressions());
        SchemaCompiler compiler = new SchemaCompiler(uri -> load(classLoader, uri));
        Map<MessageType, TypeSchema> compiled = new HashMap<>();
        for (MessageType type : catalog.allVersions()) {
            JsonSchema networknt = compile(factory, config, type); // also checks the $id and every $ref resolves
            TypeSchema schema = null;
            if (compile) {
                try {
                    CompiledSchema c = compiler.compile(java.net.URI.create(type.schemaId()));
                    schema = new Compiled(c);
                } catch (UnsupportedSchemaException e) {
                    log.info("the schema of {} is validated by networknt: the compiled validator does not support {}",
                            type, e.getMessage());
                }
            }
            compiled.put(type, schema != null ? schema : new Networknt(networknt));
        }
        this.schemas = Map.copyOf(compiled);
        Map<String, MessageType> ids = new java.util.HashMap<>();
        compiled.keySet().forEach(t -> ids.put(t.schemaId(), t));
        this.knownSchemaIds = Map.copyOf(ids);
        Map<String, TreeReader.NodeCheck> checks = new HashMap<>();
        compiled.forEach((t, schema) -> {
            if (schema instanceof Compiled c) {
                checks.put(t.schemaId(), c.schema().readCheck());
            }
        });
        this.readChecks = Map.copyOf(checks);
    }

    /** A factory that resolves kafka-utility $ids and $refs from the classpath and refuses every other location. */
    static JsonSchemaFactory newFactory(ClassLoader classLoader) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                .jsonMapper(new ObjectMapper())
                .enableSchemaCache(true)
                .schemaMappers(m -> m.mapPrefix(MessageType.SCHEMA_ID_PREFIX, CLASSPATH + MessageType.SCHEMA_RESOURCE_FOLDER))
                .schemaLoaders(l -> l
                        .add(new ClassLoaderSchemaLoader(classLoader))
                        .add(new AllowSchemaLoader(iri -> iri.toString().startsWith(CLASSPATH)))));
    }

    static JsonSchema compile(JsonSchemaFactory factory, SchemaValidatorsConfig config, MessageType type) {
        try {
            JsonSchema schema = factory.getSchema(SchemaLocation.of(type.schemaId()), config);
            schema.initializeValidators();
            String declaredId = schema.getSchemaNode().path("$id").asText(null);
            if (!type.schemaId().equals(declaredId)) {
                throw new IllegalStateException("schema " + type.schemaResource() + " must declare \"$id\": \""
                        + type.schemaId() + "\" but declares " + declaredId);
            }
            return schema;
        } catch (IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot compile the schema of " + type + " (" + type.schemaResource()
                    + "): " + e.getMessage(), e);
        }
    }

    /** @return the types whose schema networknt validates because the compiler refused it; empty for ours */
    public Set<MessageType> fallbackTypes() {
        Set<MessageType> out = new java.util.TreeSet<>(Comparator.comparing(MessageType::toString));
        schemas.forEach((t, s) -> {
            if (s instanceof Networknt) {
                out.add(t);
            }
        });
        return out;
    }

    /** @return the schema a type is validated with (tests) */
    TypeSchema schemaOf(MessageType type) {
        return schemas.get(type);
    }

    @Override
    public MessageCatalog catalog() {
        return catalog;
    }

    @Override
    public EnvelopeCodec codec() {
        return codec;
    }

    @Override
    public List<ValidationError> validate(MessageType type, JsonNode data) {
        TypeSchema schema = schemas.get(type);
        if (schema == null) {
            RejectReason reason = catalog.find(type.name()).isPresent() ? RejectReason.UNSUPPORTED_VERSION : RejectReason.UNKNOWN_TYPE;
            throw new MessageValidationException(reason, type + " is not known to this validator", type.toString(), null, List.of());
        }
        String tooBig = JsonBounds.firstViolation(data, limits);
        if (tooBig != null) {
            throw new MessageValidationException(RejectReason.LIMITS_EXCEEDED, tooBig, type.toString(), null, List.of());
        }
        return schema.isValid(data, false) ? List.of() : schema.errors(data, false);
    }

    @Override
    public void requireValid(Envelope envelope) {
        MessageType type = claimedType(envelope);
        if (!catalog.knows(type)) {
            throw unknownVersion(envelope, type);
        }
        JsonNode data = EnvelopeAccess.data(envelope);
        String tooBig = JsonBounds.firstViolation(data, limits);
        if (tooBig != null) {
            throw new MessageValidationException(RejectReason.LIMITS_EXCEEDED, tooBig, type.toString(), envelope.id(), List.of());
        }
        TypeSchema schema = schemas.get(type);
        if (!schema.isValid(data, false)) {
            throw violation(envelope, type, schema.errors(data, false));
        }
    }

    @Override
    public byte[] encodeValid(Envelope envelope) {
        byte[] value = null;
        TypeSchema schema = null;
        MessageType type = claimedType(envelope);
        if (catalog.knows(type)) {
            schema = schemas.get(type);
        }
        if (schema instanceof Compiled compiled) {
            // one walk of the data: bounds, schema and writing together; a refusal is then reported by requireValid
            try {
                value = codec.encode(envelope, (data, g) -> SchemaWalk.write(data, compiled.schema(), g, limits,
                        DATA_DEPTH));
                if (value == null) {
                    requireValid(envelope);
                    throw new IllegalStateException("the schema walk of " + type + " refused data the report accepts");
                }
            } catch (SchemaWalk.NotWalkable e) {
                value = null; // a binary or POJO node: validate, then let Jackson write it
            }
        }
        if (value == null) {
            requireValid(envelope);
            value = codec.encode(envelope);
        }
        if (value.length > limits.maxDocumentBytes()) {
            throw new MessageValidationException(RejectReason.LIMITS_EXCEEDED, "the encoded message is " + value.length
                    + " bytes, more than the limit of " + limits.maxDocumentBytes(), envelope.type(), envelope.id(), List.of());
        }
        return value;
    }

    @Override
    public DecodeResult decode(byte[] value, Map<String, String> headers) {
        try {
            // the data of a known, compiled version is checked while it is read: one pass for a valid record
            TreeReader.Verdict verdict = new TreeReader.Verdict();
            Envelope envelope = codec.decode(value, headers, readChecks::get, verdict);
            MessageType claimed = claimedType(envelope);
            if (verdict.passed() && catalog.knows(claimed)) {
                return DecodeResult.valid(envelope, claimed);
            }
            MessageType against;
            boolean tolerant;
            if (catalog.knows(claimed)) {
                against = claimed;
                tolerant = false;
            } else {
                Optional<MessageType> newest = catalog.get(claimed.name()).latest(claimed.major());
                if (newest.isEmpty()) {
                    throw unknownVersion(envelope, claimed);
                }
                against = newest.get();
                // a newer minor may add optional properties this reader does not know: read it tolerantly
                tolerant = claimed.minor() > against.minor();
            }
            TypeSchema schema = schemas.get(against);
            JsonNode data = EnvelopeAccess.data(envelope);
            if (!schema.isValid(data, tolerant)) {
                List<ValidationError> errors = schema.errors(data, tolerant);
                if (errors.isEmpty()) {
                    throw new IllegalStateException("the schema of " + against + " refused the data without an error");
                }
                throw violation(envelope, claimed, errors);
            }
            return DecodeResult.valid(envelope, against);
        } catch (MessageValidationException e) {
            return DecodeResult.rejected(e);
        } catch (RuntimeException e) {
            // safety net: bad input must never escape decode as an unchecked exception and stall a consumer
            log.warn("unexpected {} while decoding a record; rejecting it as {}", e.getClass().getName(), RejectReason.SCHEMA_VIOLATION);
            return DecodeResult.rejected(new MessageValidationException(RejectReason.SCHEMA_VIOLATION,
                    "the validator failed on this record: " + e.getClass().getSimpleName(), null, null, List.of(), e));
        }
    }

    private MessageType claimedType(Envelope envelope) {
        Optional<MessageDefinition> definition = catalog.find(envelope.type());
        if (definition.isEmpty()) {
            throw new MessageValidationException(RejectReason.UNKNOWN_TYPE, "type '" + abbreviate(envelope.type())
                    + "' is not known to this reader", abbreviate(envelope.type()), envelope.id(), List.of());
        }
        String schemaId = envelope.dataSchema().orElseThrow(() -> new MessageValidationException(RejectReason.INVALID_ENVELOPE,
                "dataschema is missing; it must be the $id of the schema version of the data", envelope.type(), envelope.id(), List.of()));
        MessageType known = knownSchemaIds.get(schemaId); // the common case, without parsing the id
        MessageType claimed = known != null ? known : MessageType.fromSchemaId(schemaId).orElseThrow(() -> new MessageValidationException(
                RejectReason.UNSUPPORTED_VERSION, "dataschema '" + abbreviate(schemaId) + "' is not a known schema id of the form "
                + MessageType.SCHEMA_ID_PREFIX + "<type>.v<MAJOR>[.<MINOR>].schema.json", envelope.type(), envelope.id(), List.of()));
        if (!claimed.name().equals(envelope.type())) {
            throw new MessageValidationException(RejectReason.INVALID_ENVELOPE, "dataschema names type " + claimed.name()
                    + " but type is " + envelope.type(), envelope.type(), envelope.id(), List.of());
        }
        return claimed;
    }

    private MessageValidationException unknownVersion(Envelope envelope, MessageType type) {
        List<String> known = catalog.get(type.name()).versions().stream().map(MessageType::version).toList();
        return new MessageValidationException(RejectReason.UNSUPPORTED_VERSION, "version " + type.version()
                + " is not supported; this reader knows " + known, type.toString(), envelope.id(), List.of());
    }

    private static MessageValidationException violation(Envelope envelope, MessageType type, List<ValidationError> errors) {
        return new MessageValidationException(RejectReason.SCHEMA_VIOLATION, errors.size() + " schema violation"
                + (errors.size() == 1 ? "" : "s"), type.toString(), envelope.id(), errors);
    }

    static List<ValidationError> toErrors(Collection<ValidationMessage> messages, boolean tolerant) {
        List<ValidationError> errors = new ArrayList<>(messages.size());
        for (ValidationMessage m : messages) {
            if (tolerant && UNKNOWN_PROPERTY_KEYWORDS.contains(m.getType())) {
                continue;
            }
            String location = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
            String message = m.getMessage();
            if (message.startsWith(location + ": ")) {
                message = message.substring(location.length() + 2);
            }
            String pointer = location;
            if ("required".equals(m.getType()) && m.getProperty() != null) {
                pointer = location + "/" + m.getProperty().replace("~", "~0").replace("/", "~1");
            }
            errors.add(ValidationError.of(pointer, m.getType(), message));
        }
        errors.sort(ORDER);
        return List.copyOf(errors);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** The networknt configuration of the library: JSON Pointers, formats asserted, English, ECMA-262 patterns. */
    public static SchemaValidatorsConfig networkntConfig(com.networknt.schema.regex.RegularExpressionFactory regex) {
        return SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .locale(Locale.ENGLISH)
                .regularExpressionFactory(regex)
                .build();
    }

    /** A schema document of ours from the class loader, read exactly; null for any other URI. */
    private static JsonNode load(ClassLoader classLoader, java.net.URI uri) {
        String s = uri.toString();
        if (!s.startsWith(MessageType.SCHEMA_ID_PREFIX)) {
            return null;
        }
        String resource = MessageType.SCHEMA_RESOURCE_FOLDER + s.substring(MessageType.SCHEMA_ID_PREFIX.length());
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            return in == null ? null : SchemaCompiler.exactMapper().readTree(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the schema " + resource + ": " + e.getMessage(), e);
        }
    }

    /** One type's schema, compiled or networknt's. */
    interface TypeSchema {
        boolean isValid(JsonNode data, boolean tolerant);

        /** @return every violation, sorted by pointer, keyword and message */
        List<ValidationError> errors(JsonNode data, boolean tolerant);
    }

    private static final Comparator<ValidationError> ORDER = Comparator.comparing(ValidationError::pointer)
            .thenComparing(ValidationError::keyword).thenComparing(ValidationError::message);

    private record Compiled(CompiledSchema schema) implements TypeSchema {
        @Override
        public boolean isValid(JsonNode data, boolean tolerant) {
            return schema.isValid(data, tolerant);
        }

        @Override
        public List<ValidationError> errors(JsonNode data, boolean tolerant) {
            List<ValidationError> errors = new ArrayList<>(schema.errors(data, tolerant));
            errors.sort(ORDER);
            return List.copyOf(errors);
        }
    }

    private record Networknt(JsonSchema schema) implements TypeSchema {
        @Override
        public boolean isValid(JsonNode data, boolean tolerant) {
            return errors(data, tolerant).isEmpty();
        }

        @Override
        public List<ValidationError> errors(JsonNode data, boolean tolerant) {
            return toErrors(schema.validate(data), tolerant);
        }
    }

    /** networknt's {@code pattern} through {@link Ecma262}, so both paths read patterns the same way. */
    static final class EcmaRegularExpressions implements com.networknt.schema.regex.RegularExpressionFactory {
        @Override
        public com.networknt.schema.regex.RegularExpression getRegularExpression(String regex) {
            java.util.regex.Pattern p = Ecma262.compile(regex);
            return value -> p.matcher(value).find();
        }
    }

    /** Loads {@code classpath:} IRIs from one class loader. */
    static final class ClassLoaderSchemaLoader implements SchemaLoader {
        private final ClassLoader classLoader;

        ClassLoaderSchemaLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
        }

        @Override
        public InputStreamSource getSchema(com.networknt.schema.AbsoluteIri iri) {
            String s = iri.toString();
            if (!s.startsWith(CLASSPATH)) {
                return null;
            }
            String resource = s.substring(CLASSPATH.length());
            while (resource.startsWith("/")) {
                resource = resource.substring(1);
            }
            String name = resource;
            if (classLoader.getResource(name) == null) {
                return null;
            }
            return () -> {
                InputStream in = classLoader.getResourceAsStream(name);
                if (in == null) {
                    throw new FileNotFoundException(name);
                }
                return in;
            };
        }
    }

}
