/**
 * The standard message envelope and the catalog of message types.
 *
 * <p>Every kafka-utility message is a CloudEvents 1.0 {@link io.kafkautility.message.Envelope} written in structured
 * JSON mode by an {@link io.kafkautility.message.EnvelopeCodec}; its {@code dataschema} names the exact
 * {@link io.kafkautility.message.MessageType} version of the data, whose JSON Schema ships in
 * {@code kafka-utility-schemas}. The {@link io.kafkautility.message.MessageCatalog} maps each type to its topic, key
 * property, owner and known versions. Producing: build an envelope, call
 * {@link io.kafkautility.validation.MessageValidator#encodeValid} and put
 * {@link io.kafkautility.message.EnvelopeCodec#headers} on the record. Consuming:
 * {@link io.kafkautility.validation.MessageValidator#decode}.
 */
package io.kafkautility.message;
