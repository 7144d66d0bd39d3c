package dropin;

import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;

/** client-document-service alone: a client built from options and closed. */
public final class Check {
    public static void main(String[] args) {
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers("127.0.0.1:9").build();
        try (DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.builder().connection(kafka).build()) {
            if (documents == null) {
                throw new AssertionError("no client");
            }
        }
        System.out.println("DROPIN client-document-service OK");
    }
}
