/**
 * Payload types that more than one RAG client shares (the query service asks with them, the LLM service answers with
 * them), defined once here so both sides read the same records.
 */
package io.kafkautility.rag;
