package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.client.llm.LlmServer;
import io.kafkautility.client.llm.LlmServiceKafkaClient;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.rag.ContextChunk;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The chat backend on several instances, as replicas behind a load balancer run: started from the same configuration,
 * each reads every reply of {@code respostas} and hands on those of the sessions it holds; the LLM service streams
 * each answer word by word. Every answer reaches its page, in order and once; a page that reconnects to another
 * instance (mid-stream, or because its instance died) gets the rest; "stop generating" stops the LLM's handler and
 * nothing of the stopped question reaches the page.
 */
@KafkaTest
@org.junit.jupiter.api.extension.ExtendWith(NoSecretsInLogs.class)
class ScaleOutIT {

    static final String QUESTION = "How does Kafka avoid losing messages?";
    static final String ANSWER = StandInLlm.answer(QUESTION,
            List.of(new ContextChunk("doc-kafka#0", "doc-kafka", UiStack.DOCUMENT, 1.0)));

    /** An LLM service and {@code n} chat backend instances on one cluster. */
    static final class Chat implements AutoCloseable {
        final SchemaRegistryServer registry = SchemaRegistryServer.start();
        final KafkaClientPool pool = KafkaClientPool.builder().name("scale-out").build();
        final StandInLlm model;
        final LlmServiceKafkaClient llm;
        final LlmServer server;
        final List<UiBackend> instances = new ArrayList<>();
        /** The key every instance signs and checks session tokens with (as KAFKA_UTILITY_SESSION_KEY gives them). */
        final io.kafkautility.response.SessionKeys keys = io.kafkautility.response.SessionKeys.of(randomKey());

        Chat(KafkaCluster cluster, int n, Duration tokenTime) throws Exception {
            this(cluster, n, tokenTime, 64);
        }

        Chat(KafkaCluster cluster, int n, Duration tokenTime, int llmThreads) throws Exception {
            this(cluster, n, tokenTime, llmThreads, Duration.ofSeconds(60));
        }

        Chat(KafkaCluster cluster, int n, Duration tokenTime, int llmThreads, Duration resumeWindow)
                throws Exception {
            try (Admin admin = cluster.admin()) {
                Set<String> existing = admin.listTopics().names().get();
                for (String topic : RagFlow.TOPICS) {
                    if (!existing.contains(topic)) {
                        cluster.createTopics(new NewTopic(topic, 3, (short) 1));
                    }
                }
            }
            KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                    .bootstrapServers(cluster.bootstrapServers()).build();
            model = new StandInLlm(tokenTime);
            llm = LlmServiceKafkaClient.builder().connection(connection).pool(pool).schemaRegistryUrl(registry.url())
                    .uiReplies(true).handlerThreads(llmThreads).build();
            server = llm.serve(model);
            for (int i = 0; i < n; i++) { // the same configuration for every instance, as replicas have
                instances.add(new UiBackend(connection, pool, registry.url(), 0, "rag-flink-ui-group",
                        question -> List.of(new ContextChunk("doc-kafka#0", "doc-kafka", UiStack.DOCUMENT, 1.0)),
                        resumeWindow, b -> b.sessionKeys(keys)));
            }
            server.ready().get(60, TimeUnit.SECONDS);
            for (UiBackend b : instances) {
                b.ready().get(60, TimeUnit.SECONDS);
            }
        }

        static byte[] randomKey() {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            return key;
        }

        int port(int i) {
            return instances.get(i).port();
        }

        /** One more instance, started now (as a rolling deploy's new replica). */
        int start(KafkaConnectionOptions connection) throws Exception {
            UiBackend b = new UiBackend(connection, pool, registry.url(), 0, "rag-flink-ui-group", keys,
                    question -> List.of(new ContextChunk("doc-kafka#0", "doc-kafka", UiStack.DOCUMENT, 1.0)));
            instances.add(b);
            b.ready().get(60, TimeUnit.SECONDS);
            return instances.size() - 1;
        }

        double dropped(int i, String reason) {
            Counter c = instances.get(i).meters().find(MetricNames.RESPONSE_DROPPED).tag("reason", reason).counter();
            return c == null ? 0 : c.count();
        }

        @Override
        public void close() throws Exception {
            for (UiBackend b : instances) {
                b.close();
            }
            llm.close();
            pool.close();
            registry.close();
        }
    }

    @Test
    void twoAndThreeInstancesDeliverEveryStreamedAnswerInOrderOnce(KafkaCluster cluster) throws Exception {
        for (int n : new int[] {2, 3}) {
            String name = "chat-" + n + "-instances";
            ReliabilityLedger ledger = ReliabilityLedger.create(name);
            List<ChatPage> pages = new ArrayList<>();
            try (Chat chat = new Chat(cluster, n, Duration.ofMillis(5))) {
                for (int i = 0; i < n * 50; i++) {
                    ChatPage page = new ChatPage(name + "-" + i).connect(chat.port(i % n));
                    pages.add(page);
                }
                for (ChatPage page : pages) {
                    String id = "q-" + UUID.randomUUID();
                    ledger.sent(id);
                    page.ask(id, QUESTION);
                    ledger.acked(id); // asked on a live connection
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> pages.stream().allMatch(p -> p.answer != null));
                for (ChatPage page : pages) {
                    ledger.consumed(page.questionId);
                    assertThat(page.text()).as(page.name + " deltas make the answer").isEqualTo(ANSWER);
                    assertThat(page.answer).isEqualTo(ANSWER);
                    assertThat(page.seqGap).as(page.name + " deltas in order").isFalse();
                    assertThat(page.frames.stream().filter(f -> f.path("type").asText().equals("answer")))
                            .as(page.name + " one answer").hasSize(1);
                }
                long words = ANSWER.split("(?<= )").length;
                double notHeld = 0;
                for (int i = 0; i < n; i++) {
                    notHeld += chat.dropped(i, "not_held");
                    assertThat(chat.dropped(i, "not_held_decoded")).as("nothing decoded for other instances")
                            .isZero();
                }
                System.out.printf("%s: %d pages answered, %d records each; records of other instances' sessions "
                                + "read and not decoded, over the %d instances: %.0f%n", name, pages.size(), words + 1,
                        n, notHeld);
            } finally {
                pages.forEach(ChatPage::close);
            }
            ReliabilityReport report = ledger.check();
            System.out.println(report.line());
            report.assertNothingLost();
            report.assertNoDuplicates();
        }
    }

    @Test
    void aPageThatReconnectsToAnotherInstanceMidStreamGetsTheRestInOrder(KafkaCluster cluster) throws Exception {
        try (Chat chat = new Chat(cluster, 2, Duration.ofMillis(60));
             ChatPage page = new ChatPage("mover").connect(chat.port(0))) {
            page.ask("q-move-" + UUID.randomUUID(), QUESTION);
            await().atMost(Duration.ofSeconds(30)).until(() -> page.lastSeq >= 2);
            page.disconnect(); // a network blip; the load balancer sends the page to the other instance
            int shownBefore = page.lastSeq;
            page.connect(chat.port(1)).resume();
            assertThat(page.resumed).as("the token was verified by the instance that did not issue it").isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> page.answer != null);
            assertThat(page.text()).isEqualTo(ANSWER);
            assertThat(page.seqGap).isFalse();
            assertThat(page.lastSeq).isGreaterThan(shownBefore);
            System.out.printf("RECONNECT: %d deltas shown on instance 0, the rest (%d) on instance 1, in order%n",
                    shownBefore + 1, page.lastSeq - shownBefore);
        }
    }

    /**
     * One owner at a time across the instances: the page comes back on another instance while its old connection
     * still lingers (a half-open socket the first instance has not noticed): the old connection is closed with 4001 by
     * its own instance, told through the sessions directory, and gets nothing more.
     */
    @Test
    void aPageThatComesBackOnAnotherInstanceClosesItsLingeringOldConnection(KafkaCluster cluster) throws Exception {
        try (Chat chat = new Chat(cluster, 2, Duration.ofMillis(60));
             ChatPage old = new ChatPage("lingering").connect(chat.port(0))) {
            old.ask("q-linger-" + UUID.randomUUID(), QUESTION);
            await().atMost(Duration.ofSeconds(30)).until(() -> old.lastSeq >= 2);
            try (ChatPage back = new ChatPage("back").as(old).connect(chat.port(1))) {
                assertThat(back.resumed).isTrue();
                await().atMost(Duration.ofSeconds(20)).until(() -> old.closedWith
                        == io.kafkautility.response.ChatWebSocket.CLOSE_TAKEN_OVER);
                int framesOfOld = old.frames.size();
                back.resume();
                await().atMost(Duration.ofSeconds(60)).until(() -> back.answer != null);
                assertThat(back.text()).as("the whole answer, from where the page was").isEqualTo(ANSWER);
                assertThat(back.seqGap).isFalse();
                assertThat(old.frames).as("nothing after the takeover").hasSize(framesOfOld);
                double takeovers = chat.instances.get(0).meters().get(MetricNames.RESPONSE_SESSION_TAKEOVERS)
                        .tag("where", "other_instance").counter().count();
                assertThat(takeovers).isEqualTo(1);
                System.out.printf("TAKEOVER: the page came back on instance 1; instance 0 closed its old connection "
                        + "(4001) after %d frames, nothing more reached it%n", framesOfOld);
            }
        }
    }

    @Test
    void everyQuestionInFlightOnAKilledInstanceIsAnsweredAfterItsPageReconnectsElsewhere(KafkaCluster cluster)
            throws Exception {
        String name = "chat-instance-killed";
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        List<ChatPage> pages = new ArrayList<>();
        try (Chat chat = new Chat(cluster, 2, Duration.ofMillis(100), 256)) {
            for (int i = 0; i < 200; i++) {
                pages.add(new ChatPage(name + "-" + i).connect(chat.port(0)));
            }
            for (ChatPage page : pages) {
                String id = "q-" + UUID.randomUUID();
                ledger.sent(id);
                page.ask(id, QUESTION);
                ledger.acked(id);
            }
            // in flight: every question reached the LLM service, which is streaming its answer
            await().atMost(Duration.ofSeconds(60)).until(() -> pages.stream().allMatch(p -> p.lastSeq >= 0));
            long answeredBefore = pages.stream().filter(p -> p.answer != null).count();
            chat.instances.get(0).close(); // the instance dies with 200 questions in flight
            ledger.outageStarted();
            for (ChatPage page : pages) {
                page.disconnect();
                page.connect(chat.port(1)).resume();
                assertThat(page.resumed).as(page.name + " token verified by the other instance").isTrue();
            }
            ledger.outageEnded();
            await().atMost(Duration.ofSeconds(120)).until(() -> pages.stream().allMatch(p -> p.answer != null));
            for (ChatPage page : pages) {
                ledger.consumed(page.questionId);
                assertThat(page.text()).as(page.name).isEqualTo(ANSWER);
                assertThat(page.seqGap).as(page.name).isFalse();
            }
            System.out.printf("%s: %d of 200 answered before the kill, all 200 after reconnecting elsewhere%n", name,
                    answeredBefore);
        } finally {
            pages.forEach(ChatPage::close);
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        report.assertNoDuplicates();
    }

    /**
     * A rolling deploy of a single instance: it goes away with 100 questions in flight, their answers are all produced
     * while no instance runs, and the new instance, started afterwards, reads the last minute back: every page that
     * reconnects to it gets its whole answer.
     */
    @Test
    void anInstanceStartedAfterTheAnswersWereProducedServesThemToReconnectingPages(KafkaCluster cluster)
            throws Exception {
        String name = "chat-rolling-deploy";
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        List<ChatPage> pages = new ArrayList<>();
        try (Chat chat = new Chat(cluster, 1, Duration.ofMillis(50), 128)) {
            int before = chat.model.completed();
            for (int i = 0; i < 100; i++) {
                pages.add(new ChatPage(name + "-" + i).connect(chat.port(0)));
            }
            for (ChatPage page : pages) {
                String id = "q-" + UUID.randomUUID();
                ledger.sent(id);
                page.ask(id, QUESTION);
                ledger.acked(id);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> pages.stream().allMatch(p -> p.lastSeq >= 0));
            chat.instances.get(0).close();
            ledger.outageStarted();
            pages.forEach(ChatPage::disconnect);
            await().atMost(Duration.ofSeconds(60)).until(() -> chat.model.completed() - before == 100);
            int next = chat.start(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers())
                    .build());
            ledger.outageEnded();
            for (ChatPage page : pages) {
                page.connect(chat.port(next)).resume();
                assertThat(page.resumed).as(page.name + " token verified by the new instance").isTrue();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> pages.stream().allMatch(p -> p.answer != null));
            for (ChatPage page : pages) {
                ledger.consumed(page.questionId);
                assertThat(page.text()).as(page.name).isEqualTo(ANSWER);
                assertThat(page.seqGap).as(page.name).isFalse();
            }
            Object bytes = chat.instances.get(next).meters().get(MetricNames.RESPONSE_RESUME_BUFFER_BYTES).gauge()
                    .value();
            Object records = chat.instances.get(next).meters().get(MetricNames.RESPONSE_RESUME_BUFFER_RECORDS)
                    .gauge().value();
            System.out.printf("%s: every answer was produced while no instance ran; the new instance read the last "
                    + "minute back (%s records, %s bytes kept) and all 100 pages got theirs%n", name, records, bytes);
        } finally {
            pages.forEach(ChatPage::close);
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        report.assertNoDuplicates();
    }

    @Test
    void anAnswerNoInstanceCouldDeliverIsCountedAndLoggedOnceAcrossTheInstances(KafkaCluster cluster)
            throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        try (Chat chat = new Chat(cluster, 3, Duration.ofMillis(20), 8, Duration.ofSeconds(2))) {
            // a page that leaves mid-answer and comes back on another instance in time: not an orphan
            ChatPage back = new ChatPage("comes-back").connect(chat.port(1));
            back.ask("q-back-" + UUID.randomUUID(), QUESTION);
            await().atMost(Duration.ofSeconds(30)).until(() -> back.lastSeq >= 0);
            back.disconnect();
            back.connect(chat.port(2)).resume();
            // a page that leaves before its answer and never comes back
            ChatPage gone = new ChatPage("gone").connect(chat.port(0));
            String orphan = "q-orphan-" + UUID.randomUUID();
            System.setErr(new java.io.PrintStream(new java.io.OutputStream() { // slf4j-simple logs to System.err
                @Override
                public void write(int b) {
                    err.write(b);
                    synchronized (log) {
                        log.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    err.write(b, off, len);
                    synchronized (log) {
                        log.write(b, off, len);
                    }
                }
            }, true));
            gone.ask(orphan, QUESTION);
            // it leaves once its question is being answered (a page that left before the server read its question
            // would have asked nothing: under load, a reset can overtake the frame)
            await().atMost(Duration.ofSeconds(30)).until(() -> gone.lastSeq >= 0);
            gone.disconnect();
            await().atMost(Duration.ofSeconds(60)).until(() -> back.answer != null);
            await().atMost(Duration.ofSeconds(90)).until(() -> orphans(chat) == 1);
            await().during(Duration.ofSeconds(11)).atMost(Duration.ofSeconds(13)).until(() -> orphans(chat) == 1);
            back.close();
        } finally {
            System.setErr(err);
        }
        long lines = log.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("reached no page")).count();
        assertThat(lines).as("INFO lines naming the question").isEqualTo(1);
        System.out.println("ORPHAN: an answer whose page never came back counted once over 3 instances, 1 INFO line; "
                + "a page back within the window on another instance: not counted");
    }

    private static double orphans(Chat chat) {
        double n = 0;
        for (int i = 0; i < chat.instances.size(); i++) {
            n += chat.dropped(i, "no_session");
        }
        return n;
    }

    @Test
    void stopGeneratingStopsTheHandlerWithin200MillisecondsAndNothingOfTheQuestionFollows(KafkaCluster cluster)
            throws Exception {
        try (Chat chat = new Chat(cluster, 2, Duration.ofMillis(100));
             ChatPage page = new ChatPage("stopper").connect(chat.port(1))) {
            String stopped = "q-stop-" + UUID.randomUUID();
            page.ask(stopped, QUESTION);
            await().atMost(Duration.ofSeconds(30)).until(() -> page.lastSeq >= 1);
            long t0 = System.nanoTime();
            page.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> chat.model.stoppedAt(stopped) != null);
            long stopMs = TimeUnit.NANOSECONDS.toMillis(chat.model.stoppedAt(stopped) - t0);
            assertThat(stopMs).as("the LLM handler stopped within 200 ms of the stop").isLessThan(200);
            // the session is free at once: the next question is accepted and answered
            String next = "q-next-" + UUID.randomUUID();
            page.ask(next, QUESTION);
            await().atMost(Duration.ofSeconds(60)).until(() -> page.answer != null);
            assertThat(page.text()).isEqualTo(ANSWER);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> page.afterStop.isEmpty());
            assertThat(page.frames.stream().filter(f -> f.path("type").asText().equals("cancelled"))).hasSize(1);
            System.out.printf("STOP: the handler stopped %d ms after the page's stop; 0 frames of the stopped "
                    + "question after it%n", stopMs);
        }
    }
}
