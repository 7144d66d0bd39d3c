package io.kafkautility.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.MessageHeaders;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The command-line tool against a real broker: {@code list} counts by reason and age, {@code replay --dry-run}
 * counts, {@code replay} re-publishes once (a second run replays nothing), bad usage and a missing topic exit non-zero
 * with a one-line reason.
 */
@KafkaTest
class DeadLetterToolIT {

    @Test
    void listsAndReplaysOnce(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("orders");
        String dlt = topic + ".DLT";
        cluster.createTopics(topic, dlt);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            dead(producer, dlt, "m-1", "NON_RETRYABLE", topic, Instant.now().minus(Duration.ofHours(3)));
            dead(producer, dlt, "m-2", "NON_RETRYABLE", topic, Instant.now().minus(Duration.ofMinutes(5)));
            dead(producer, dlt, "m-3", "SCHEMA_VIOLATION", topic, Instant.now().minus(Duration.ofDays(2)));
        }
        String b = "--bootstrap-servers=" + cluster.bootstrapServers();

        Result list = run(b, "list", "--topic", dlt, "--entries");
        System.out.println(list.out);
        assertThat(list.status).isZero();
        assertThat(list.out).contains(dlt + ": 3 records, 0 replayed")
                .containsPattern("NON_RETRYABLE\\s+1\\s+1\\s+0\\s+0")
                .containsPattern("SCHEMA_VIOLATION\\s+0\\s+0\\s+1\\s+0").contains("m-1", "m-2", "m-3");

        Result dry = run(b, "replay", "--topic", dlt, "--reason", "NON_RETRYABLE", "--older-than", "1h",
                "--dry-run");
        assertThat(dry.status).isZero();
        assertThat(dry.out).contains("1 selected, 1 would be replayed (dry run)").contains(dlt + ":0:0");

        Result replay = run(b, "replay", "--topic", dlt, "--reason", "NON_RETRYABLE");
        System.out.println(replay.out);
        assertThat(replay.out).contains("2 selected, 2 replayed, 0 replayed before");
        Result again = run(b, "replay", "--topic", dlt, "--reason", "NON_RETRYABLE");
        assertThat(again.out).contains("2 selected, 0 replayed, 2 replayed before");

        List<ConsumerRecord<byte[], byte[]>> back = read(cluster, topic, 2);
        assertThat(back).extracting(r -> header(r, MessageHeaders.MESSAGE_ID)).containsExactly("m-1", "m-2");
        assertThat(back).allSatisfy(r -> {
            assertThat(header(r, MessageHeaders.REPLAY_ID)).startsWith(dlt + ":0:");
            assertThat(r.headers().lastHeader(MessageHeaders.DLT_REASON)).isNull();
        });
        assertThat(run(b, "list", "--topic", dlt).out).contains("3 records, 2 replayed");
    }

    @Test
    void badUsageAndFailuresExitNonZeroWithAReason(KafkaCluster cluster) {
        String b = "--bootstrap-servers=" + cluster.bootstrapServers();
        assertThat(run(b, "replay").status).isEqualTo(2);
        assertThat(run(b, "replay", "--topic", "x", "--older-than", "soon").status).isEqualTo(2);
        Result missing = run(b, "list", "--topic", TopicNames.unique("nope"));
        assertThat(missing.status).isEqualTo(1);
        assertThat(missing.err).contains("does not exist");
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = DeadLetterTool.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    private static void dead(KafkaProducer<byte[], byte[]> producer, String dlt, String id, String reason,
                             String original, Instant failedAt) throws Exception {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(dlt, 0, null, id.getBytes(StandardCharsets.UTF_8),
                ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.DLT_REASON, reason.getBytes(StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.DLT_ORIGINAL_TOPIC, original.getBytes(StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.DLT_FAILED_AT, failedAt.toString().getBytes(StandardCharsets.UTF_8));
        producer.send(r).get(30, TimeUnit.SECONDS);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster cluster, String topic, int n) {
        Map<String, Object> props = cluster.clientProperties();
        props.put("group.id", TopicNames.unique("reader"));
        props.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= n;
            });
        }
        return out;
    }
}
