package io.kafkautility.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pages attacking the chat backend (two instances) while 50 honest pages chat on it. The attackers know everything
 * but the key: the honest pages' session ids and question ids, the token format. They present those ids and tampered
 * and forged tokens, resume and cancel the honest questions under their own sessions, come from a foreign origin, send
 * frames of unknown types and floods. Ledger: every honest answer reaches its page whole and once (lost=0,
 * duplicates=0), and any frame of an honest question that reaches an attacker is counted as unexpected (must be 0).
 */
@KafkaTest
@ExtendWith(NoSecretsInLogs.class)
class HostilePagesIT {

    @Test
    void fiftyHonestPagesChatWhileHostilePagesAttackNothingLostNothingDeliveredToANonOwner(KafkaCluster cluster)
            throws Exception {
        String name = "chat-hostile-pages";
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        List<ChatPage> honest = new ArrayList<>();
        Set<String> honestQuestions = ConcurrentHashMap.newKeySet();
        AtomicInteger attacks = new AtomicInteger();
        AtomicInteger leaked = new AtomicInteger();
        ExecutorService attackers = Executors.newFixedThreadPool(4);
        try (ScaleOutIT.Chat chat = new ScaleOutIT.Chat(cluster, 2, Duration.ofMillis(20))) {
            for (int i = 0; i < 50; i++) {
                honest.add(new ChatPage(name + "-" + i).connect(chat.port(i % 2)));
            }
            List<String> tokens = honest.stream().map(ChatPage::token).toList();
            for (ChatPage page : honest) {
                String id = "q-" + UUID.randomUUID();
                honestQuestions.add(id);
                ledger.sent(id);
                page.ask(id, ScaleOutIT.QUESTION);
                ledger.acked(id);
            }
            List<Future<?>> running = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                int attacker = a;
                running.add(attackers.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        attack(chat, attacker, round, tokens, List.copyOf(honestQuestions), attacks, leaked, ledger);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> honest.stream().allMatch(p -> p.answer != null));
            for (ChatPage page : honest) {
                ledger.consumed(page.questionId);
                assertThat(page.text()).as(page.name).isEqualTo(ScaleOutIT.ANSWER);
                assertThat(page.seqGap).as(page.name).isFalse();
                assertThat(page.frames.stream().filter(f -> f.path("type").asText().equals("answer")))
                        .as(page.name + " one answer").hasSize(1);
                assertThat(page.closedWith).as(page.name + " never closed by the backend").isEqualTo(-1);
            }
            double refused = 0;
            for (int i = 0; i < 2; i++) {
                for (String reason : List.of("malformed", "bad_mac", "origin")) {
                    refused += chat.instances.get(i).meters().get(MetricNames.RESPONSE_SECURITY_REFUSED)
                            .tag("reason", reason).counter().count();
                }
            }
            assertThat(refused).as("every forged token and foreign origin refused").isGreaterThanOrEqualTo(
                    attacks.get() * 0.5);
            System.out.printf("HOSTILE: %d attacks by 4 hostile pages while 50 honest pages chatted on 2 instances; "
                    + "%.0f tokens and handshakes refused; frames of honest questions delivered to a non-owner: %d%n",
                    attacks.get(), refused, leaked.get());
        } finally {
            attackers.shutdownNow();
            honest.forEach(ChatPage::close);
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        report.assertNoDuplicates();
        assertThat(leaked.get()).isZero();
    }

    /** One round of one attacker against both instances; a frame of an honest question it receives is a leak. */
    private static void attack(ScaleOutIT.Chat chat, int attacker, int round, List<String> tokens,
                               List<String> questions, AtomicInteger attacks, AtomicInteger leaked,
                               ReliabilityLedger ledger) throws Exception {
        int port = chat.port((attacker + round) % 2);
        String victim = tokens.get((attacker * 10 + round) % tokens.size());
        String victimId = victim.split("\\.")[1];
        String tampered = victim.substring(0, victim.length() - 3) + (victim.endsWith("xyz") ? "abc" : "xyz");
        String forged = "v1." + victimId + "." + victim.split("\\.")[2] + "." + "A".repeat(16) + "."
                + "A".repeat(43);
        for (String token : List.of(victimId, tampered, forged, "aaaa", "00000000-0000-0000-0000-000000000001")) {
            attacks.incrementAndGet();
            try (ChatClient c = ChatClient.open(port)) {
                JsonNode session = c.hello(token);
                assertThat(session.path("resumed").asBoolean()).isFalse();
                for (String q : questions.subList(0, Math.min(5, questions.size()))) {
                    c.send("{\"type\":\"resume\",\"questionId\":\"" + q + "\",\"lastSeq\":-1}");
                    c.send("{\"type\":\"cancel\",\"questionId\":\"" + q + "\"}");
                }
                c.send("{\"type\":\"rm -rf\",\"question\":\"x\"}");
                await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> true);
                for (JsonNode f : c.frames) {
                    String q = f.path("questionId").asText("");
                    String type = f.path("type").asText();
                    if (questions.contains(q) && (type.equals("delta") || type.equals("answer"))) {
                        leaked.incrementAndGet();
                        ledger.consumed("leak-" + q); // never sent: counted as unexpected
                    }
                }
            }
        }
        attacks.incrementAndGet();
        try (ChatClient c = ChatClient.open(port, Map.of("Origin", "https://evil.example"))) {
            c.hello(victim);
            leaked.incrementAndGet(); // a foreign origin got a connection
        } catch (java.util.concurrent.ExecutionException refused) {
            // 403 before the upgrade
        }
        attacks.incrementAndGet();
        try (ChatClient flood = ChatClient.open(port)) {
            flood.hello(null);
            for (int i = 0; i < 200 && !flood.isClosed(); i++) {
                flood.send("{\"type\":\"cancel\",\"questionId\":\"" + questions.get(i % questions.size()) + "\"}");
            }
        } catch (java.util.concurrent.CompletionException closedUnderTheFlood) {
            // closed by the rate limit
        }
    }
}
