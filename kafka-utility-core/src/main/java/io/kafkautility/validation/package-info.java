/**
 * Validation of message data against versioned JSON Schemas, on produce (a typed
 * {@link io.kafkautility.validation.MessageValidationException} listing every violation; nothing is sent) and on
 * consume (a {@link io.kafkautility.validation.DecodeResult} with a {@link io.kafkautility.validation.RejectReason} for
 * the dead-letter path). Hostile JSON is cut off by {@link io.kafkautility.message.JsonLimits} before validation.
 */
package io.kafkautility.validation;
