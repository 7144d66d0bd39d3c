package io.kafkautility.response;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroWireEncoder;
import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link RagResponse} as a Kafka {@link Serde} in the Confluent wire format, through the library's registry client:
 * the serializer registers the reply schema under {@code <topic>-value} (once per topic) and writes what the LLM
 * client's {@code publishUiResponse} writes; the deserializer reads replies of any writer schema carrying the reply's
 * fields, by field, as the response consumer does ({@link RagResponseAvro#decoder}). Bad bytes fail with Kafka's
 * {@link SerializationException}, caused by the {@link AvroDecodingException} with its reason.
 *
 * <p>Create it with a registry client, or name it by class and give {@code schema.registry.url} (Confluent's key; with
 * optional {@code basic.auth.user.info} = {@code user:password}) in the client's configs. Thread-safe.
 */
public final class RagResponseSerde implements Serde<RagResponse> {

    /** The config key of the registry URL when Kafka creates the serde by class name (Confluent's). */
    public static final String REGISTRY_URL_CONFIG = "schema.registry.url";
    /** The config key of the registry's basic-auth {@code user:password} (Confluent's). */
    public static final String BASIC_AUTH_CONFIG = "basic.auth.user.info";

    private final Schema schema = RagResponseAvro.schema();
    private final Map<String, AvroWireEncoder> encoders = new ConcurrentHashMap<>();
    private volatile SchemaRegistryClient registry;
    private volatile MappingAvroDecoder<RagResponse> decoder;

    /** For Kafka's creation by class name: configured from the client's configs. */
    public RagResponseSerde() {
    }

    /** A serde using {@code registry} (not closed by the serde). */
    public RagResponseSerde(SchemaRegistryClient registry) {
        use(Objects.requireNonNull(registry, "registry"));
    }

    private void use(SchemaRegistryClient client) {
        this.registry = client;
        this.decoder = RagResponseAvro.decoder(client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry != null) {
            return;
        }
        Object url = configs.get(REGISTRY_URL_CONFIG);
        if (url == null || url.toString().isBlank()) {
            throw new org.apache.kafka.common.config.ConfigException(REGISTRY_URL_CONFIG, url,
                    "RagResponseSerde needs the schema registry URL");
        }
        SchemaRegistryOptions.Builder b = SchemaRegistryOptions.builder(url.toString().trim());
        Object auth = configs.get(BASIC_AUTH_CONFIG);
        if (auth != null && auth.toString().contains(":")) {
            String userInfo = auth.toString();
            b.basicAuth(userInfo.substring(0, userInfo.indexOf(':')), userInfo.substring(userInfo.indexOf(':') + 1));
        }
        use(SchemaRegistryClient.create(b.build()));
    }

    private void requireConfigured() {
        if (registry == null) {
            throw new IllegalStateException("RagResponseSerde is not configured: give it a registry client or "
                    + REGISTRY_URL_CONFIG);
        }
    }

    @Override
    public Serializer<RagResponse> serializer() {
        return new Serializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                RagResponseSerde.this.configure(configs, isKey);
            }

            @Override
            public byte[] serialize(String topic, RagResponse reply) {
                if (reply == null) {
                    return null;
                }
                requireConfigured();
                try {
                    return encoders.computeIfAbsent(topic, t -> AvroWireEncoder.create(registry,
                            AvroWireFormat.valueSubject(t), schema)).encode(RagResponseAvro.toAvro(reply, schema));
                } catch (RuntimeException e) {
                    throw new SerializationException("Reply for topic " + topic + " could not be encoded: "
                            + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public Deserializer<RagResponse> deserializer() {
        return new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                RagResponseSerde.this.configure(configs, isKey);
            }

            @Override
            public RagResponse deserialize(String topic, byte[] data) {
                if (data == null) {
                    return null;
                }
                requireConfigured();
                try {
                    return decoder.decode(data);
                } catch (AvroDecodingException e) {
                    throw new SerializationException("Reply of topic " + topic + " could not be decoded: "
                            + e.reason().tag() + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
