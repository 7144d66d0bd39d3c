package io.kafkautility.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageType;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendResult;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Shared parts of the crash scenarios: the library producer feeding a ledger, the payload, id files. */
final class CrashScenarioSupport {

    /** Generous: the machine is shared and slow. */
    static final Duration DEADLINE = Duration.ofSeconds(120);
    /** The event type every scenario sends; its {@code documentId} is the ledger id. */
    static final MessageType TYPE = MessageTypes.DOCUMENT_DELETED;

    private static final ObjectMapper JSON = new ObjectMapper();

    private CrashScenarioSupport() {
    }

    static JsonNode payload(String id) {
        ObjectNode data = JSON.createObjectNode();
        data.put("documentId", id);
        data.put("deletedAt", "2026-11-22T10:00:00Z");
        return data;
    }

    /** The ledger id carried by a received envelope. */
    static String idOf(Envelope message) {
        return message.data().get("documentId").asText();
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * Records a library send outcome: success is an ack; a {@link SendException} that certainly did not reach the
     * broker (breaker open, NOT_SENT, REJECTED) is a failure; anything else is ambiguous.
     */
    static void record(ReliabilityLedger ledger, String id, Throwable error) {
        Throwable e = error == null ? null : unwrap(error);
        if (e == null) {
            ledger.acked(id);
        } else if (e instanceof CircuitOpenException
                || e instanceof SendException se && se.deliveryState() != DeliveryState.AMBIGUOUS) {
            ledger.failed(id);
        } else {
            ledger.ambiguous(id);
        }
    }

    /** A library producer with its own pool. */
    static final class LibraryProducer implements AutoCloseable {
        final KafkaConnectionOptions connection;
        final KafkaClientPool pool;
        final MessageProducer producer;

        LibraryProducer(String bootstrap) {
            this(bootstrap, UnaryOperator.identity());
        }

        LibraryProducer(String bootstrap, UnaryOperator<ProducerOptions.Builder> tuning) {
            this.connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
            this.pool = KafkaClientPool.create();
            this.producer = pool.newProducer(tuning.apply(ProducerOptions.builder(connection).source("reliability-it"))
                    .build());
        }

        CompletableFuture<SendResult> send(String topic, String id) {
            return producer.send(topic, id, TYPE, payload(id));
        }

        /** Sends {@code count} new ids (at most 500 in flight, never re-sending) and waits for every outcome. */
        void produce(String topic, ReliabilityLedger ledger, int count) {
            send(topic, ledger, i -> i < count, 0);
        }

        /**
         * A stream on a new thread that sends new ids at about {@code perSecond} (at most 500 in flight, never
         * re-sending) until {@code stop} returns true and at least {@code atLeast} were sent, then waits for every
         * outcome. For scenarios whose events must all happen while the stream still runs, however fast or slow the
         * machine is: a fixed-size burst can be fully consumed before the last event.
         */
        CompletableFuture<Void> streamInBackground(String topic, ReliabilityLedger ledger, int atLeast, int perSecond,
                                                   java.util.function.BooleanSupplier stop) {
            return inBackground("it-stream-" + topic, () -> send(topic, ledger,
                    i -> i < atLeast || !stop.getAsBoolean(), 1_000_000_000L / perSecond));
        }

        /** Sends new ids while {@code more} accepts the count so far, one every {@code nanosPerSend} (0: at once). */
        private void send(String topic, ReliabilityLedger ledger, java.util.function.LongPredicate more,
                          long nanosPerSend) {
            Semaphore inFlight = new Semaphore(500);
            long t0 = System.nanoTime();
            for (long i = 0; more.test(i); i++) {
                long wait = t0 + i * nanosPerSend - System.nanoTime();
                if (nanosPerSend > 0 && wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing the load, not a wait
                }
                String id = ledger.nextId();
                inFlight.acquireUninterruptibly();
                ledger.sent(id);
                send(topic, id).whenComplete((r, e) -> {
                    record(ledger, id, e);
                    inFlight.release();
                });
            }
            inFlight.acquireUninterruptibly(500);
        }

        private static CompletableFuture<Void> inBackground(String name, Runnable work) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    work.run();
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return done;
        }

        /** {@link #produce} on a new thread; join it (or the future) to wait. */
        CompletableFuture<Void> produceInBackground(String topic, ReliabilityLedger ledger, int count) {
            return inBackground("it-producer-" + topic, () -> produce(topic, ledger, count));
        }

        @Override
        public void close() {
            producer.close();
            pool.close();
        }
    }

    /**
     * Follows a file of ids, one per line, written by another process: each call hands over the complete lines
     * appended since the previous call (a partial last line waits for its newline).
     */
    static final class IdFileTail {
        final Path file;
        private long offset;
        private long lines;

        IdFileTail(Path file) {
            this.file = file;
        }

        synchronized long drain(Consumer<String> sink) {
            if (!Files.exists(file)) {
                return lines;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len <= offset) {
                    return lines;
                }
                byte[] buf = new byte[(int) (len - offset)];
                f.seek(offset);
                f.readFully(buf);
                int start = 0;
                for (int i = 0; i < buf.length; i++) {
                    if (buf[i] == '\n') {
                        sink.accept(new String(buf, start, i - start, StandardCharsets.UTF_8));
                        lines++;
                        start = i + 1;
                    }
                }
                offset += start;
                return lines;
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }

        /** Bytes after the last complete line (non-zero means a torn write). */
        synchronized long partialBytes() throws IOException {
            return Files.exists(file) ? Files.size(file) - offset : 0;
        }
    }
}
