/**
 * Building blocks of the typed service clients (document, query, LLM), public so that a team can write a typed client
 * of its own the same way: {@link io.kafkautility.client.TypedPublisher} (a pooled producer, the JSON mapper of payload
 * records, the catalog's topic and key of each type) and {@link io.kafkautility.client.MappingPublisher} (a
 * {@code Flow.Publisher} mapped item by item).
 */
package io.kafkautility.client;
