package io.kafkautility.client.llm;

import io.kafkautility.client.llm.internal.DefaultLlmServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.SendResult;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The LLM service's Kafka client: serves LLM requests (whole or streamed answers, over request-reply), publishes
 * LLM responses, and publishes the UI reply on {@code respostas} as Confluent-framed Avro.
 *
 * <p>{@link #serve} consumes {@code rag.llm.requests} in the group {@link Builder#groupId} and runs the handler on
 * the client's handler threads; replies go to each request's reply-to topic with its correlation id; offsets are
 * committed after the reply is acknowledged. {@link #publishUiResponse} registers the reply schema in the schema
 * registry once ({@code KAFKA_SCHEMA_REGISTRY_URL}) and writes magic byte, schema id and Avro binary.
 *
 * <p>Futures always complete: exceptionally with a {@link io.kafkautility.validation.MessageValidationException},
 * a {@link io.kafkautility.producer.CircuitOpenException}, a {@link io.kafkautility.producer.SendException} or a
 * {@link io.kafkautility.avro.SchemaRegistryException}. Thread-safe; one per process; {@link #close()} stops every
 * server it started and releases the producer.
 */
public interface LlmServiceKafkaClient extends AutoCloseable {

    /** Default source attribute ({@code llm-service}). */
    String DEFAULT_SOURCE = "llm-service";

    /** Default consumer group of {@link #serve} ({@code llm-service}). */
    String DEFAULT_GROUP_ID = "llm-service";

    /** Default topic of UI replies ({@code respostas}). */
    String DEFAULT_UI_TOPIC = "respostas";

    /** A client configured from the environment and {@code .env}. */
    static LlmServiceKafkaClient fromEnvironment() {
        return builder().connection(KafkaConnectionOptions.fromEnvironment().build()).build();
    }

    /** A builder; {@link Builder#connection} is required. */
    static Builder builder() {
        return new Builder();
    }

    /** Starts serving requests with {@code handler} until the returned server or this client is closed. */
    LlmServer serve(LlmRequestHandler handler);

    /** Publishes {@code rag.llm.response} on {@code rag.llm.responses} (for consumers other than the requester). */
    CompletableFuture<SendResult> publishLlmResponse(LlmResponse response);

    /** Publishes the UI reply on {@code respostas}, keyed by session id, as Confluent-framed Avro. */
    CompletableFuture<SendResult> publishUiResponse(UiReply reply);

    /** Stops every server this client started and releases the producer. Idempotent. */
    @Override
    void close();

    /**
     * The health of the servers it runs ({@link #serve}): the worst of their responders'; UP while it serves
     * nothing. No I/O; thread-safe.
     */
    io.kafkautility.health.Health health();

    /** Builds an {@link LlmServiceKafkaClient}. Not thread-safe. */
    final class Builder {
        private KafkaConnectionOptions connection;
        private KafkaClientPool pool;
        private String source = DEFAULT_SOURCE;
        private String groupId = DEFAULT_GROUP_ID;
        private String requestTopic;
        private String responseTopic;
        private String uiTopic = DEFAULT_UI_TOPIC;
        private URI schemaRegistryUrl;
        private int handlerThreads = 4;
        private boolean uiReplies;
        private String cancellationTopic;

        private Builder() {
        }

        /** The cluster connection (required); its schema registry URL is used unless set here. */
        public Builder connection(KafkaConnectionOptions connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** A pool shared with the process's other clients; by default the client owns a private one. */
        public Builder pool(KafkaClientPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** The CloudEvents {@code source}; {@value #DEFAULT_SOURCE} by default. */
        public Builder source(String source) {
            this.source = requireText("source", source);
            return this;
        }

        /** The consumer group that shares the requests; {@value #DEFAULT_GROUP_ID} by default. */
        public Builder groupId(String groupId) {
            this.groupId = requireText("groupId", groupId);
            return this;
        }

        /** Topic of requests; the catalog's {@code rag.llm.requests} by default. */
        public Builder requestTopic(String topic) {
            this.requestTopic = requireText("requestTopic", topic);
            return this;
        }

        /** Topic of published responses; the catalog's {@code rag.llm.responses} by default. */
        public Builder responseTopic(String topic) {
            this.responseTopic = requireText("responseTopic", topic);
            return this;
        }

        /** Topic of UI replies; {@value #DEFAULT_UI_TOPIC} by default. */
        public Builder uiTopic(String topic) {
            this.uiTopic = requireText("uiTopic", topic);
            return this;
        }

        /** The schema registry for UI replies; the connection's {@code KAFKA_SCHEMA_REGISTRY_URL} by default. */
        public Builder schemaRegistryUrl(String url) {
            this.schemaRegistryUrl = URI.create(requireText("schemaRegistryUrl", url));
            return this;
        }

        /** Threads running handlers (requests handled at once); 4 by default; must be > 0. */
        public Builder handlerThreads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("handlerThreads must be > 0 but was " + threads);
            }
            this.handlerThreads = threads;
            return this;
        }

        /**
         * Whether {@link #serve} answers UI questions on the UI topic itself: for each request with a session id,
         * every emitted token goes out as a DELTA reply and the handler's response as the FINAL one (an error reply
         * when the handler fails), keyed by session id, so the chat backend shows the answer as it is generated.
         * Cancellations ({@code rag.query.cancelled}) stop the generation they name and nothing more of it is
         * published. Needs the schema registry. Off by default (the handler then publishes with
         * {@link LlmServiceKafkaClient#publishUiResponse}).
         */
        public Builder uiReplies(boolean on) {
            this.uiReplies = on;
            return this;
        }

        /**
         * Topic of {@code rag.query.cancelled}; the catalog's {@code rag.query.cancellations} by default. Cancellations
         * are read (from every partition, by every instance) when {@link #uiReplies} is on or this is set.
         */
        public Builder cancellationTopic(String topic) {
            this.cancellationTopic = requireText("cancellationTopic", topic);
            return this;
        }

        /** Builds the client. */
        public LlmServiceKafkaClient build() {
            if (connection == null) {
                throw new IllegalStateException("connection is required");
            }
            URI registry = schemaRegistryUrl != null ? schemaRegistryUrl
                    : connection.schemaRegistryUrl().orElse(null);
            return new DefaultLlmServiceKafkaClient(connection, pool, source, groupId, requestTopic, responseTopic,
                    uiTopic, registry, handlerThreads, uiReplies, cancellationTopic);
        }

        private static String requireText(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank but was '" + value + "'");
            }
            return value;
        }
    }
}
