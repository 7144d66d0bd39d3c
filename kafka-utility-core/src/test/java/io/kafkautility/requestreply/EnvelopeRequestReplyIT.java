package io.kafkautility.requestreply;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.MessageHeaders;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.kafkautility.requestreply.RrSupport.consume;
import static io.kafkautility.requestreply.RrSupport.header;
import static io.kafkautility.requestreply.RrSupport.rawConsumer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@KafkaTest
class EnvelopeRequestReplyIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode query(String text) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("queryId", "q-1").put("query", text).put("userId", "user-7").put("sessionId", "sess-9");
        return n;
    }

    @Test
    void correlationIdTravelsInHeadersAndInTheEnvelopeExtension(KafkaCluster cluster) throws Exception {
        String requestTopic = TopicNames.unique("envelope-requests");
        cluster.createTopics(requestTopic);
        EnvelopeCodec codec = EnvelopeCodec.create();
        PayloadCodec<Envelope> envelopes = PayloadCodec.envelopes(codec);
        AtomicReference<String> seenByResponder = new AtomicReference<>();
        ResponderOptions<Envelope, Envelope> ro = ResponderOptions.builder(requestTopic,
                        TopicNames.unique("envelope-responders"), envelopes, envelopes)
                .kafkaProperties(cluster.clientProperties()).build();
        try (Responder<Envelope, Envelope> responder = Responder.create(ro, RequestHandler.sync(request -> {
                 seenByResponder.set(request.correlationId().orElse(null));
                 ObjectNode answer = MAPPER.createObjectNode().put("answer", "42");
                 return Envelope.builder().causedBy(request).source("/rag/llm").type("rag.query.answered")
                         .data(answer).build();
             }));
             RequestReplyClient<Envelope, Envelope> client = RequestReplyClient.create(
                     RequestReplyOptions.builder(requestTopic, envelopes, envelopes)
                             .kafkaProperties(cluster.clientProperties()).build());
             KafkaConsumer<byte[], byte[]> requests = rawConsumer(cluster, requestTopic)) {
            responder.ready().get(30, TimeUnit.SECONDS);
            Envelope request = Envelope.builder().source("/rag/query").messageType(MessageTypes.QUERY_SUBMITTED)
                    .data(query("What is the vacation policy?")).build();
            Envelope reply = client.request(request).get(30, TimeUnit.SECONDS);
            ConsumerRecord<byte[], byte[]> sent = consume(requests, 1, Duration.ofSeconds(30)).get(0);
            String correlationId = header(sent, MessageHeaders.CORRELATION_ID);
            assertThat(correlationId).isNotBlank();
            assertThat(codec.decode(sent.value()).correlationId()).contains(correlationId);
            assertThat(header(sent, MessageHeaders.MESSAGE_ID)).isEqualTo(request.id());
            assertThat(seenByResponder.get()).isEqualTo(correlationId);
            assertThat(reply.correlationId()).contains(correlationId);
            assertThat(reply.data().get("answer").asText()).isEqualTo("42");
        }
    }

    @Test
    void invalidRequestEnvelopeIsRejectedBeforeSending(KafkaCluster cluster) {
        String requestTopic = TopicNames.unique("envelope-invalid");
        cluster.createTopics(requestTopic);
        PayloadCodec<Envelope> validated = PayloadCodec.validatedEnvelopes(MessageValidator.create());
        try (RequestReplyClient<Envelope, Envelope> client = RequestReplyClient.create(
                RequestReplyOptions.builder(requestTopic, validated, validated)
                        .kafkaProperties(cluster.clientProperties()).build())) {
            Envelope bad = Envelope.builder().source("/rag/query").messageType(MessageTypes.QUERY_SUBMITTED)
                    .data(MAPPER.createObjectNode().put("unexpected", true)).build();
            CompletableFuture<Envelope> f = client.request(bad);
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RequestEncodingException.class)
                    .cause().isInstanceOf(MessageValidationException.class);
            assertThat(client.pendingCount()).isZero();
        }
    }
}
