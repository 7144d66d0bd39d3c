package dropin;

import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;

/** client-llm-service alone: a client built from options and closed. */
public final class Check {
    public static void main(String[] args) {
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers("127.0.0.1:9").build();
        try (LlmServiceKafkaClient llm = LlmServiceKafkaClient.builder().connection(kafka).build()) {
            if (llm == null) {
                throw new AssertionError("no client");
            }
        }
        System.out.println("DROPIN client-llm-service OK");
    }
}
