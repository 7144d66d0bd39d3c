package io.kafkautility.response;

import io.kafkautility.metrics.MetricNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.ApicurioRegistryProcess;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The same path as the other ITs, against a real Confluent-compatible registry (Apicurio Registry 3.x, started by this
 * test as a child process): registration by the producing side, lookup by id, evolution and an unknown id.
 * Runs with {@code mvn -Papicurio verify} (the profile unpacks Apicurio from Maven Central); without the profile or
 * without a Java 21+ it is reported as skipped with the reason. The in-JVM registry server remains the default.
 */
@KafkaTest
class ApicurioRegistryIT {

    @Test
    void repliesRoundTripThroughARealConfluentCompatibleRegistry(KafkaCluster cluster) {
        String home = System.getProperty("apicurio.home");
        if (home == null || !Files.isDirectory(Path.of(home))) {
            System.err.println("SKIPPED ApicurioRegistryIT: run with -Papicurio to unpack Apicurio Registry");
        }
        Assumptions.assumeTrue(home != null && Files.isDirectory(Path.of(home)),
                "ApicurioRegistryIT needs -Papicurio (unpacks io.apicurio:apicurio-registry-app:tar.gz:all)");
        Optional<Path> java = ApicurioRegistryProcess.findJava21();
        if (java.isEmpty()) {
            System.err.println("SKIPPED ApicurioRegistryIT: no Java 21+ found (set -Dapicurio.java or APICURIO_JAVA)");
        }
        Assumptions.assumeTrue(java.isPresent(), "ApicurioRegistryIT needs a Java 21+ (-Dapicurio.java / APICURIO_JAVA)");

        try (ApicurioRegistryProcess apicurio = ApicurioRegistryProcess.start(Path.of(home), java.get(),
                Path.of("target", "apicurio.log"), Duration.ofSeconds(90));
                ReplyFixture f = new ReplyFixture(cluster, apicurio.ccompatUrl(), b -> b, b -> b)) {
            TestConnection c1 = f.open("apicurio-1");
            f.manager.beginQuestion("apicurio-1", "q1");
            f.reply("apicurio-1", "q1");
            await().atMost(Duration.ofSeconds(30)).until(() -> c1.answers().size() == 1);
            SchemaRegistryClient client = SchemaRegistryClient.create(
                    SchemaRegistryOptions.builder(apicurio.ccompatUrl()).build());
            SchemaRegistryClient.RegisteredSchema latest = client.latest(AvroWireFormat.valueSubject(f.topic));
            assertThat(latest.schema()).isEqualTo(f.schema);

            // a newer writer schema (extra field with default), registered in Apicurio by the producing side
            String v2Json = f.schema.toString().replaceFirst("\"fields\":\\[",
                    "\"fields\":[{\"name\":\"model\",\"type\":\"string\",\"default\":\"unknown\"},");
            int v2Id = client.register(AvroWireFormat.valueSubject(f.topic), new Schema.Parser().parse(v2Json));
            assertThat(v2Id).isNotEqualTo(latest.id());
            TestConnection c2 = f.open("apicurio-2");
            f.manager.beginQuestion("apicurio-2", "q2");
            byte[] evolved = evolvedWithId(f, v2Json, v2Id, "apicurio-2", "q2");
            f.send("apicurio-2", evolved);
            await().atMost(Duration.ofSeconds(30)).until(() -> c2.answers().size() == 1);

            // an id Apicurio does not know
            byte[] unknown = f.encode(ReplyFixture.response("x", "y"));
            ByteBuffer.wrap(unknown, 1, 4).putInt(987_654);
            f.send("x", unknown);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    f.count(MetricNames.RESPONSE_INVALID, MetricNames.TAG_REASON, "unknown_schema_id") == 1);
            System.out.printf("APICURIO %s: v1 id %d and v2 id %d decoded; unknown id counted%n",
                    apicurio.ccompatUrl(), latest.id(), v2Id);
        }
    }

    private static byte[] evolvedWithId(ReplyFixture f, String v2Json, int id, String session, String question) {
        Schema v2 = new Schema.Parser().parse(v2Json);
        var old = RagResponseAvro.toAvro(ReplyFixture.response(session, question), f.schema);
        var r = new org.apache.avro.generic.GenericData.Record(v2);
        for (Schema.Field field : f.schema.getFields()) {
            r.put(field.name(), old.get(field.name()));
        }
        r.put("model", "llm-x");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            var enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(v2).write(r, enc);
            enc.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
