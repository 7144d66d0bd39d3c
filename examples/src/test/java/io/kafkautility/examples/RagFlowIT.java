package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The demo's flow on a real broker: every hop happens and the answer reaches the WebSocket session. */
@KafkaTest
class RagFlowIT {

    @Test
    void everyHopHappensAndTheStreamedAnswerReachesTheSession(KafkaCluster cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            var existing = admin.listTopics().names().get();
            for (String topic : RagFlow.TOPICS) {
                if (!existing.contains(topic)) {
                    cluster.createTopics(new NewTopic(topic, 3, (short) 1));
                }
            }
        }
        List<String> printed = new ArrayList<>();
        RagFlow.Trace trace;
        try (SchemaRegistryServer registry = SchemaRegistryServer.start()) {
            trace = new RagFlow(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build(),
                    registry.url(), printed::add).run();
            assertThat(registry.requestCount()).as("schema registered and looked up").isGreaterThanOrEqualTo(2);
        }
        assertThat(printed).isEqualTo(trace.lines());
        String all = String.join("\n", printed);
        assertThat(all).contains("services ready", "rag.document.uploaded", "rag.document.processed",
                "rag.query.submitted", "first chunk", "whole streamed answer", "in order: true",
                "respostas: Avro reply", "answer frame");
        assertThat(trace.chunks()).isGreaterThan(10);
        assertThat(trace.answer()).startsWith("Based on the processed document:").contains("replicated log");
        assertThat(trace.frame()).contains("\"type\":\"answer\"", "\"status\":\"SUCCESS\"", "replicated log");
    }
}
