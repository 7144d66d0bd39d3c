package io.kafkautility.client.llm;

/**
 * Answers one LLM request. Runs on the client's handler executor, never on a Kafka thread, so it may block (call a
 * model). Throwing sends an error reply: the requester's future fails at once with the error's message (never its
 * stack trace), and its class name.
 */
@FunctionalInterface
public interface LlmRequestHandler {

    /**
     * @param request the request
     * @param tokens where to emit the answer as it is generated (published only when the request asked to stream)
     * @return the whole answer; for a streamed request its text is not sent again, only its finish reason, sources and
     *     usage on the final chunk
     * @throws Exception to reply with an error
     */
    LlmResponse handle(LlmRequest request, TokenStream tokens) throws Exception;
}
