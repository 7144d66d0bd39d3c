package io.kafkautility.internal.producer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * MockProducer that can fail a send the way KafkaProducer does before appending (metadata / buffer timeout, record
 * too large): the callback runs on the caller's thread before send returns.
 */
public final class ScriptedProducer extends MockProducer<byte[], byte[]> {

    private final Deque<RuntimeException> beforeAppend = new ArrayDeque<>();
    private int attempts;

    public ScriptedProducer(boolean autoComplete) {
        super(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public synchronized void failBeforeAppend(RuntimeException e) {
        beforeAppend.add(e);
    }

    public synchronized int attempts() {
        return attempts;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        attempts++;
        RuntimeException e = beforeAppend.poll();
        if (e != null) {
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
        return super.send(record, callback);
    }
}
