package io.kafkautility.reliability;

import static io.kafkautility.reliability.CrashScenarioSupport.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.reliability.CrashScenarioSupport.IdFileTail;
import io.kafkautility.reliability.CrashScenarioSupport.LibraryProducer;
import io.kafkautility.testkit.JvmProcess;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The library consumer runs in a child JVM that is SIGKILLed mid-stream three times (records processed but not yet
 * committed are redelivered to the next child of the same group): nothing acked is lost; duplicates are expected.
 */
@KafkaTest(brokerProperties = "group.min.session.timeout.ms=1000")
class ConsumerCrashIT {

    private static final int MESSAGES = 20_000;
    private static final int KILLS = 3;
    private static final int LINES_BEFORE_KILL = 1_500;

    @Test
    void sigkilledConsumerProcessesLoseNothing(KafkaCluster cluster) throws Exception {
        ReliabilityReport report = crashThreeTimes(cluster, "consumer-sigkill-restart");
        System.out.println("duplicates after " + KILLS + " SIGKILLs: " + report.duplicates());
    }

    /**
     * With {@code ProcessedIds.file} shared by the children, what a killed child finished is skipped by the next one:
     * the handler runs again only for a record whose kill landed between the handler's own write and the id's (at
     * most one per kill).
     */
    @Test
    void withProcessedIdsARestartedConsumerSkipsWhatWasFinished(KafkaCluster cluster) throws Exception {
        Path ids = Files.createDirectories(Path.of("target", "consumer-crash")).resolve(TopicNames.unique("ids"));
        ReliabilityReport report = crashThreeTimes(cluster, "consumer-sigkill-restart-processed-ids",
                "--processed-ids=" + ids.toAbsolutePath());
        System.out.println("duplicates after " + KILLS + " SIGKILLs with processed ids: " + report.duplicates());
        assertThat(report.duplicates()).as("at most the record in hand at each kill").isLessThanOrEqualTo(KILLS);
    }

    /**
     * With {@code ProcessedIds.kafkaTopic}: each child has its own store and shares nothing with the others but the ids
     * topic (as members on different hosts do). A record is handled again only if the kill landed within one produce
     * round trip of its id's write: a few per kill, where the run without a store repeats every record not yet
     * committed (hundreds).
     */
    @Test
    void withProcessedIdsOnAKafkaTopicAMemberOnAnotherHostSkipsWhatWasFinished(KafkaCluster cluster) throws Exception {
        String ids = TopicNames.unique("processed-ids");
        cluster.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(ids, 3, (short) 1).configs(
                java.util.Map.of("cleanup.policy", "delete"))));
        ReliabilityReport report = crashThreeTimes(cluster, "consumer-sigkill-restart-processed-ids-topic",
                "--processed-ids-topic=" + ids);
        System.out.println("duplicates after " + KILLS + " SIGKILLs with processed ids on a topic: "
                + report.duplicates());
        assertThat(report.duplicates()).as("only records finished within a round trip of a kill")
                .isLessThanOrEqualTo(KILLS * MAX_DUPLICATES_PER_KILL);
    }

    /** Records a child finishes within one produce round trip (about a millisecond, at about 10 records per ms). */
    private static final int MAX_DUPLICATES_PER_KILL = 30;

    /** With retry topics (1 % of the ids fail their first attempt): records in retry topics survive the kills. */
    @Test
    void sigkilledConsumerWithRecordsInRetryTopicsLosesNothing(KafkaCluster cluster) throws Exception {
        crashThreeTimes(cluster, "consumer-sigkill-restart-retry-topics", "--retry-topics");
    }

    /** With 8 key-ordered workers per child (keys are the ids: commits of contiguous offsets only). */
    @Test
    void sigkilledKeyOrderedConsumerLosesNothing(KafkaCluster cluster) throws Exception {
        crashThreeTimes(cluster, "consumer-sigkill-restart-key-ordered", "--key-ordered=8");
    }

    private static ReliabilityReport crashThreeTimes(KafkaCluster cluster, String name, String... flags)
            throws Exception {
        String topic = TopicNames.unique("crash");
        String group = TopicNames.unique("crash-group");
        cluster.createTopic(topic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        Path dir = Files.createDirectories(Path.of("target", "consumer-crash", topic));
        List<IdFileTail> tails = new ArrayList<>();
        Runnable drainAll = () -> tails.forEach(t -> t.drain(ledger::consumed));
        try (LibraryProducer producer = new LibraryProducer(cluster.bootstrapServers())) {
            CompletableFuture<Void> produced = producer.produceInBackground(topic, ledger, MESSAGES);
            for (int child = 0; child <= KILLS; child++) {
                IdFileTail tail = new IdFileTail(dir.resolve("child-" + child + ".ids"));
                tails.add(tail);
                List<String> args = new ArrayList<>(List.of(cluster.bootstrapServers(), topic, group,
                        tail.file.toString()));
                args.addAll(List.of(flags));
                try (JvmProcess consumer = JvmProcess.builder(FileRecordingConsumerMain.class)
                        .args(args.toArray(String[]::new))
                        .logFile(dir.resolve("child-" + child + ".log")).start()) {
                    if (child < KILLS) {
                        await().atMost(DEADLINE).until(() -> {
                            drainAll.run();
                            assertThat(consumer.isAlive()).as("child %d died: %s", consumer.pid(),
                                    consumer.logTail(20)).isTrue();
                            return tail.drain(ledger::consumed) >= LINES_BEFORE_KILL;
                        });
                        consumer.kill();
                        drainAll.run();
                        long distinct = ledger.check().distinctConsumed();
                        System.out.println("SIGKILLed child " + child + " (pid " + consumer.pid() + ") after "
                                + tail.drain(ledger::consumed) + " lines; distinct ids processed so far " + distinct);
                        assertThat(distinct).as("killed mid-stream").isLessThan(MESSAGES);
                    } else {
                        produced.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                        await().atMost(DEADLINE).until(() -> {
                            drainAll.run();
                            return ledger.pending() == 0 && ledger.ackedNotConsumed() == 0;
                        });
                        // grace period for stray redeliveries, then a graceful stop
                        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
                        assertThat(consumer.terminate(Duration.ofSeconds(30))).isIn(0, 143);
                        drainAll.run();
                    }
                }
            }
        }
        for (IdFileTail tail : tails) {
            assertThat(tail.partialBytes()).as("torn line in %s", tail.file).isZero();
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.acked()).isEqualTo(MESSAGES);
        return report;
    }
}
