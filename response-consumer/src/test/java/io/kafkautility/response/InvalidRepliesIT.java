package io.kafkautility.response;

import static io.kafkautility.metrics.MetricNames.RESPONSE_INVALID;
import static io.kafkautility.metrics.MetricNames.TAG_REASON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each kind of invalid reply between two good ones, on a real broker: both good ones are delivered. */
@KafkaTest
class InvalidRepliesIT {

    @Test
    void everyInvalidKindIsSkippedAndCountedWhileGoodRepliesAroundItAreDelivered(KafkaCluster cluster) {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b,
                b -> b.registryRetryTimeout(Duration.ofSeconds(1)).retryBackoff(Duration.ofMillis(100),
                        Duration.ofMillis(400)))) {
            byte[] good = f.encode(ReplyFixture.response("s", "q"));
            Map<String, Function<ReplyFixture, byte[]>> kinds = new LinkedHashMap<>();
            kinds.put("wrong_magic_byte", x -> {
                byte[] b = good.clone();
                b[0] = 7;
                return b;
            });
            kinds.put("unknown_schema_id", x -> {
                byte[] b = good.clone();
                ByteBuffer.wrap(b, 1, 4).putInt(424242);
                return b;
            });
            kinds.put("truncated", x -> Arrays.copyOf(good, good.length / 2));
            kinds.put("empty", x -> new byte[0]);
            kinds.put("null_value", x -> null);
            kinds.put("undecodable", x -> {
                byte[] b = Arrays.copyOf(good, AvroWireFormat.HEADER_LENGTH + 1);
                b[AvroWireFormat.HEADER_LENGTH] = 0x01; // a negative string length
                return b;
            });
            kinds.put("registry_unavailable", x -> {
                // a reply written with a newer (compatible) schema whose id the consumer has not fetched yet,
                // produced while the registry answers 503
                byte[] b = x.newerSchemaReply("s-registry", "q-registry", "evolved answer");
                x.registry.unavailable(true);
                return b;
            });

            int n = 0;
            TestConnection first = open(f, "s-" + n);
            f.reply("s-" + n, "q-" + n);
            awaitAnswer(first);
            for (Map.Entry<String, Function<ReplyFixture, byte[]>> kind : kinds.entrySet()) {
                n++;
                TestConnection next = open(f, "s-" + n);
                f.send("bad-" + kind.getKey(), kind.getValue().apply(f));
                f.reply("s-" + n, "q-" + n);
                awaitAnswer(next);
                // the bad record and the good reply have different keys, so different partitions: no order between
                // them (the registry case holds its record for the 1 s retry timeout before it counts it)
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> f.count(RESPONSE_INVALID, TAG_REASON, kind.getKey()) >= 1.0);
                f.registry.unavailable(false);
                assertThat(f.count(RESPONSE_INVALID, TAG_REASON, kind.getKey())).as(kind.getKey()).isEqualTo(1.0);
                System.out.printf("invalid kind %-22s skipped, good reply after it delivered%n", kind.getKey());
            }
            assertThat(f.consumer.isRunning()).isTrue();
            assertThat(f.count(MetricNames.RESPONSE_DELIVERIES, MetricNames.TAG_OUTCOME, "success"))
                    .isEqualTo(n + 1);
            double totalInvalid = f.meters.find(RESPONSE_INVALID).counters().stream().mapToDouble(c -> c.count()).sum();
            assertThat(totalInvalid).isEqualTo(kinds.size());
        }
    }

    @Test
    void registryOutageShorterThanTheRetryTimeoutLosesNothing(KafkaCluster cluster) {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b,
                b -> b.registryRetryTimeout(Duration.ofSeconds(30)).retryBackoff(Duration.ofMillis(100),
                        Duration.ofMillis(400)))) {
            TestConnection c = open(f, "s-evolved");
            f.reply("s-warm", "q-warm"); // the consumer fetches the current schema: the registry answered
            await().atMost(Duration.ofSeconds(30)).until(() -> f.consumer.health().components().size() == 1
                    && f.consumer.health().components().get(0).details().get("requests").equals(1L));
            assertThat(f.consumer.health().status()).isEqualTo(HealthStatus.UP);
            byte[] evolved = f.newerSchemaReply("s-evolved", "q-evolved", "evolved answer");
            f.registry.unavailable(true);
            f.send("s-evolved", evolved);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.registry.requestCount() >= 3);
            assertThat(c.answers()).isEmpty();
            // the consumer is still delivering other replies, but this one waits for the registry: DEGRADED
            Health waiting = f.consumer.health();
            assertThat(waiting.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(waiting.components()).singleElement().extracting(Health::status).isEqualTo(HealthStatus.DOWN);
            assertThat(waiting.reasons()).anySatisfy(r -> assertThat(r).contains("has not answered")
                    .contains("HTTP 503"));
            f.registry.unavailable(false);
            awaitAnswer(c);
            assertThat(f.consumer.health().reasons()).anySatisfy(r -> assertThat(r).contains("answered since"));
            assertThat(c.answers().get(0).path("answer").asText()).isEqualTo("evolved answer");
            assertThat(f.count(RESPONSE_INVALID, TAG_REASON, "registry_unavailable")).isZero();
        }
    }

    private static TestConnection open(ReplyFixture f, String id) {
        TestConnection c = f.open(id);
        assertThat(f.manager.beginQuestion(id, "q-" + id.substring(2))).isEqualTo(
                WebSocketSessionManager.Admission.ACCEPTED);
        return c;
    }

    private static void awaitAnswer(TestConnection c) {
        await().atMost(Duration.ofSeconds(30)).until(() -> c.answers().size() == 1);
    }
}
