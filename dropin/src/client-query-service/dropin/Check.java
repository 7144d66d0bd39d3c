package dropin;

import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.rag.ContextChunk;
import java.util.List;

/** client-query-service alone: a question built, a client built from options and closed. */
public final class Check {
    public static void main(String[] args) {
        LlmQuestion question = LlmQuestion.of("q-1", "s-1", "what is Kafka?",
                List.of(new ContextChunk("doc-1#0", "doc-1", "Kafka is a log.", 0.9)));
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers("127.0.0.1:9").build();
        try (QueryServiceKafkaClient queries = QueryServiceKafkaClient.builder().connection(kafka).build()) {
            if (queries == null || question.context().isEmpty()) {
                throw new AssertionError("no client");
            }
        }
        System.out.println("DROPIN client-query-service OK");
    }
}
