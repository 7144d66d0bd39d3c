package io.kafkautility.examples;

import io.kafkautility.client.llm.LlmResponse;
import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.rag.TokenUsage;
import io.kafkautility.client.llm.UiReply;
import java.util.List;

/**
 * The LLM service's use of the library: serve requests (streaming tokens when asked), and publish the UI reply on
 * {@code respostas}. Needs {@code KAFKA_BOOTSTRAP_SERVERS} and {@code KAFKA_SCHEMA_REGISTRY_URL}; runs until killed.
 */
public final class LlmClientExample {

    private LlmClientExample() {
    }

    public static void main(String[] args) throws Exception {
        LlmServiceKafkaClient llm = LlmServiceKafkaClient.fromEnvironment();
        LlmServer server = llm.serve((request, tokens) -> {
            String answer = "You asked: " + request.prompt();
            for (String word : answer.split("(?<= )")) {
                tokens.emit(word); // sent as chunks only if the requester streams
            }
            if (request.sessionId() != null) {
                llm.publishUiResponse(UiReply.success(request.sessionId(), request.queryId(), answer, List.of()));
            }
            return new LlmResponse(request.requestId(), request.queryId(), answer, List.of(),
                    TokenUsage.of(request.prompt().length() / 4, answer.length() / 4), "stop");
        });
        server.ready().join();
        System.out.println("serving LLM requests; Ctrl-C to stop");
        Runtime.getRuntime().addShutdownHook(new Thread(llm::close));
        Thread.currentThread().join();
    }
}
