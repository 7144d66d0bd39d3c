package io.kafkautility.reliability;

import static io.kafkautility.reliability.FaultScenarioSupport.DEADLINE;
import static io.kafkautility.reliability.FaultScenarioSupport.MESSAGES;
import static io.kafkautility.reliability.FaultScenarioSupport.assertTyped;
import static io.kafkautility.reliability.FaultScenarioSupport.awaitConsumedAndCheck;
import static io.kafkautility.reliability.FaultScenarioSupport.connection;
import static io.kafkautility.reliability.FaultScenarioSupport.consumerOptions;
import static io.kafkautility.reliability.FaultScenarioSupport.producerOptions;
import static io.kafkautility.reliability.FaultScenarioSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.client.document.DocumentDeletedEvent;
import io.kafkautility.client.document.DocumentEventListener;
import io.kafkautility.client.document.DocumentServiceKafkaClient;
import io.kafkautility.client.document.DocumentSubscription;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.reliability.FaultScenarioSupport.Deliveries;
import io.kafkautility.reliability.FaultScenarioSupport.Load;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.kafkautility.testkit.junit.BrokerProcessExtension;

/**
 * Broker process faults (down at start-up, SIGKILL + restart, SIGSTOP past the request timeout) with the library's
 * own producer and consumer working concurrently; every scenario prints a RELIABILITY line and asserts that nothing
 * acked was lost and nothing unexpected (never sent, or reported as certainly not sent) was consumed.
 */
class LibraryBrokerFaultIT {

    @RegisterExtension
    static final BrokerProcessExtension BROKER = BrokerProcessExtension.of(BrokerProcessOptions.defaults());

    private static KafkaBrokerProcess broker() {
        return BROKER.process();
    }

    /**
     * Scenario 1: the producer and consumer are built (and the load started) while the broker process does not exist
     * yet. Construction must not fail; sends fail with the library's typed exceptions (counted failed, never consumed)
     * or wait; once the broker is up and the topic exists, everything acked is consumed.
     */
    @Test
    void brokerDownAtStartUp() {
        String name = "library-broker-down-at-startup";
        String topic = TopicNames.unique(name);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        Deliveries deliveries = new Deliveries(ledger);
        ReliabilityReport report;
        try (KafkaBrokerProcess late = KafkaBrokerProcess.create(BrokerProcessOptions.defaults())) {
            KafkaConnectionOptions conn = connection(late.bootstrapServers(), name);
            try (KafkaClientPool pool = KafkaClientPool.builder().name(name).build();
                    MessageProducer producer = pool.newProducer(producerOptions(conn).build());
                    MessageConsumer consumer = MessageConsumer.create(consumerOptions(conn, pool,
                            TopicNames.unique("group"), topic, deliveries).build()).start();
                    Load load = Load.start(ledger, producer, topic)) {
                ledger.outageStarted();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> load.notAcked() >= 10);
                assertThat(load.acked()).isZero();
                assertThat(consumer.isRunning()).isTrue();
                System.out.printf("%s: with no broker, after %d typed failures: %s%n", name, load.notAcked(),
                        load.failures());
                late.start();
                late.createTopic(topic, 3, (short) 1);
                ledger.outageEnded();
                load.awaitDone(DEADLINE);
                report = awaitConsumedAndCheck(ledger, consumer);
                assertTyped(name, load);
            }
        }
        assertThat(report.pending()).isZero();
        assertThat(report.failed()).as("sends while the broker was down failed clearly").isPositive();
        assertThat(report.acked()).as("the stream recovered once the broker was up").isGreaterThan(MESSAGES / 2);
    }

    /** Scenario 2: SIGKILL the broker mid-stream, wait until the producer sees it, restart it on the same data. */
    @Test
    void brokerKilledAndRestartedMidStream() {
        ReliabilityReport report = run("library-broker-kill", broker(), broker().bootstrapServers(), s -> {
            s.awaitAcked(5_000);
            long before = s.load().notAcked();
            broker().kill();
            s.ledger().outageStarted();
            s.awaitFaultSeen(before);
            broker().start();
            s.ledger().outageEnded();
        });
        assertThat(report.acked()).isGreaterThan(5_000);
    }

    /** Scenario 3: SIGSTOP the broker until sends time out (request timeout 2 s, delivery timeout 8 s), SIGCONT. */
    @Test
    void brokerPausedPastTheRequestTimeoutThenResumed() {
        ReliabilityReport report = run("library-broker-pause", broker(), broker().bootstrapServers(), s -> {
            s.awaitAcked(5_000);
            long before = s.load().notAcked();
            broker().pause();
            s.ledger().outageStarted();
            s.awaitFaultSeen(before);
            broker().resume();
            s.ledger().outageEnded();
        });
        assertThat(report.acked()).isGreaterThan(5_000);
    }

    /**
     * Scenario 2 through the typed client with every library default: {@link DocumentServiceKafkaClient} publishes
     * (one document per send, the ledger id as document id), its own subscription consumes, and the broker is killed
     * and restarted at once mid-stream. Each document must also arrive under one message id only.
     */
    @Test
    void typedDocumentClientSurvivesTheBrokerBeingKilledAndRestarted() {
        String name = "library-typed-client-broker-kill";
        String topic = TopicNames.unique(name);
        broker().createTopic(topic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        Map<String, Set<String>> messageIds = new ConcurrentHashMap<>();
        ReliabilityReport report;
        try (DocumentServiceKafkaClient documents = DocumentServiceKafkaClient.builder()
                        .connection(connection(broker().bootstrapServers(), name)).topic(topic).build();
                DocumentSubscription subscription = documents.subscribe(TopicNames.unique("group"),
                        new DocumentEventListener() {
                            @Override
                            public void onDeleted(DocumentDeletedEvent event, Meta meta) {
                                ledger.consumed(event.documentId());
                                messageIds.computeIfAbsent(event.documentId(), k -> ConcurrentHashMap.newKeySet())
                                        .add(meta.messageId());
                            }
                        });
                Load load = Load.start(ledger, MESSAGES, 500,
                        id -> documents.sendDocumentDeletedEvent(id, "reliability test"))) {
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> load.acked() >= 5_000);
            broker().kill();
            ledger.outageStarted();
            broker().start();
            ledger.outageEnded();
            load.awaitDone(DEADLINE);
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> ledger.ackedNotConsumed() == 0);
            report = ledger.check();
            System.out.println(report.line());
            report.assertNothingLost();
            assertTyped(name, load);
        }
        assertThat(report.pending()).isZero();
        assertThat(report.acked()).isGreaterThan(5_000);
        assertThat(messageIds.values()).as("a redelivered document keeps its message id").allSatisfy(ids ->
                assertThat(ids).hasSize(1));
    }
}
