package io.kafkautility.examples;

import io.kafkautility.rag.ContextChunk;
import io.kafkautility.client.query.LlmAnswer;
import io.kafkautility.client.query.LlmQuestion;
import io.kafkautility.client.query.QueryServiceKafkaClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The query service's use of the library: a query event, a whole answer, a streamed answer. Needs
 * {@code KAFKA_BOOTSTRAP_SERVERS} and an LLM service serving {@code rag.llm.requests} (see {@link LlmClientExample}).
 */
public final class QueryClientExample {

    private QueryClientExample() {
    }

    public static void main(String[] args) throws Exception {
        try (QueryServiceKafkaClient queries = QueryServiceKafkaClient.fromEnvironment()) {
            queries.sendQueryEvent("q-1", "What is a partition?", "user-7", "session-3").join();
            List<ContextChunk> context = List.of(new ContextChunk("doc-42#0", "doc-42",
                    "A partition is an ordered, replicated log.", 0.93));

            LlmAnswer answer = queries.ask(LlmQuestion.of("q-1", "session-3", "What is a partition?", context),
                    Duration.ofSeconds(30)).join();
            System.out.println("answer: " + answer.answer() + " (" + answer.usage().totalTokens() + " tokens)");

            queries.askStreaming(LlmQuestion.of("q-2", "session-3", "And a replica?", context))
                    .subscribe(new Flow.Subscriber<>() {
                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                            s.request(Long.MAX_VALUE);
                        }

                        @Override
                        public void onNext(io.kafkautility.client.query.AnswerChunk chunk) {
                            System.out.print(chunk.delta());
                        }

                        @Override
                        public void onError(Throwable t) {
                            System.out.println("\nstream failed: " + t);
                        }

                        @Override
                        public void onComplete() {
                            System.out.println();
                        }
                    });
        }
    }
}
