package io.kafkautility.message;

/**
 * The RAG system's message types at their current version (what producers write), as listed in
 * {@code kafka-utility-schemas/README.md} and {@code schemas/catalog.json}. Readers accept every version in
 * {@link MessageCatalog#standard()}, not only these.
 */
public final class MessageTypes {

    private MessageTypes() {
    }

    /** A document was uploaded (document service, topic {@code rag.documents}, key {@code documentId}). */
    public static final MessageType DOCUMENT_UPLOADED = MessageType.of("rag.document.uploaded", 1);
    /** A document was processed: chunked and indexed, or failed (document service, topic {@code rag.documents}). */
    public static final MessageType DOCUMENT_PROCESSED = MessageType.of("rag.document.processed", 1);
    /** A document was deleted (document service, topic {@code rag.documents}). */
    public static final MessageType DOCUMENT_DELETED = MessageType.of("rag.document.deleted", 1);
    /** A user question was submitted (query service, topic {@code rag.queries}, key {@code sessionId}). */
    public static final MessageType QUERY_SUBMITTED = MessageType.of("rag.query.submitted", 1, 1);
    /** {@code rag.query.cancelled} v1: the user stopped the answer to a question. */
    public static final MessageType QUERY_CANCELLED = MessageType.of("rag.query.cancelled", 1);
    /** A generation request to the LLM service (query service, topic {@code rag.llm.requests}, key {@code queryId}). */
    public static final MessageType LLM_REQUEST = MessageType.of("rag.llm.request", 1);
    /** The LLM service's complete answer (topic {@code rag.llm.responses} or the request's reply-to). */
    public static final MessageType LLM_RESPONSE = MessageType.of("rag.llm.response", 1);
    /** One chunk of a streamed LLM answer (topic {@code rag.llm.responses} or the request's reply-to). */
    public static final MessageType LLM_RESPONSE_CHUNK = MessageType.of("rag.llm.response.chunk", 1);
}
