/**
 * Request-reply over Kafka, including streamed replies.
 *
 * <p>Requester: {@link io.kafkautility.requestreply.RequestReplyClient} ({@code request(payload)} gives a
 * {@code CompletableFuture} of the reply, {@code requestStream(payload)} a {@code Flow.Publisher} of reply chunks).
 * Responder: {@link io.kafkautility.requestreply.Responder} with a
 * {@link io.kafkautility.requestreply.RequestHandler} (one reply) or a
 * {@link io.kafkautility.requestreply.StreamingRequestHandler} (chunks written to a
 * {@link io.kafkautility.requestreply.ReplySink}). Payloads are turned into bytes by a
 * {@link io.kafkautility.requestreply.PayloadCodec}, for example
 * {@link io.kafkautility.requestreply.PayloadCodec#validatedEnvelopes PayloadCodec.validatedEnvelopes(validator)}.
 *
 * <pre>{@code
 * PayloadCodec<Envelope> codec = PayloadCodec.validatedEnvelopes(validator);
 * try (RequestReplyClient<Envelope, Envelope> client = RequestReplyClient.create(
 *         RequestReplyOptions.builder("rag.llm.requests", codec, codec)
 *                 .connection(connectionOptions)
 *                 .defaultTimeout(Duration.ofSeconds(20))
 *                 .build())) {
 *     client.request(question).thenAccept(answer -> ...);
 *     client.requestStream(question).subscribe(tokenSubscriber);
 * }
 * }</pre>
 *
 * <p>Wire protocol (all values UTF-8 text headers, names in {@link io.kafkautility.MessageHeaders}): a request carries
 * {@code ku_correlationid}, {@code ku_replyto}, {@code ku_deadline} (epoch ms) and, on a shared reply topic,
 * {@code ku_replypartition}. A reply carries {@code ku_correlationid}; an error reply also {@code ku_replyerror=true}
 * and {@code ku_replyerrortype} with the message as body; a chunk of a streamed reply {@code ku_chunkseq} (from 0)
 * and, on the last one, {@code ku_chunkfinal=true} (its value may be null: an end marker without payload).
 *
 * <p>Failures are subclasses of {@link io.kafkautility.requestreply.RequestReplyException}. Metric names are in
 * {@link io.kafkautility.metrics.MetricNames} ({@code kafka.utility.requestreply.*}).
 */
package io.kafkautility.requestreply;
