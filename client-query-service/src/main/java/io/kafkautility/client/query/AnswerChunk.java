package io.kafkautility.client.query;

import io.kafkautility.rag.Source;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One piece of a streamed answer ({@code rag.llm.response.chunk}). Immutable.
 *
 * @param requestId the request it answers
 * @param queryId the query it answers
 * @param sequence its position, from 0
 * @param delta the text it adds
 * @param last whether it ends the stream
 * @param finishReason why generation stopped; only on the last chunk
 * @param sources cited documents; only on the last chunk
 */
public record AnswerChunk(String requestId, String queryId, long sequence, String delta,
                          @JsonProperty("final") boolean last, String finishReason, List<Source> sources) {

    public AnswerChunk {
        sources = sources == null ? List.of() : List.copyOf(sources);
    }
}
