package io.kafkautility.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The registry client's health against the stub registry over HTTP: UP before any request and while answered, DOWN
 * while it answers 503 or cannot be reached, DEGRADED for a minute once it answers again, an unknown id (404) not a
 * failure, and credentials never in a reason.
 */
class SchemaRegistryHealthTest {

    private static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");

    @Test
    void followsWhatTheRequestsSay() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (SchemaRegistryServer server = SchemaRegistryServer.start("reg-user", "S3CRET-pw")) {
            SchemaRegistryClient client = SchemaRegistryClient.create(SchemaRegistryOptions.builder(server.url())
                    .basicAuth("reg-user", "S3CRET-pw").negativeCacheTtl(Duration.ZERO).clock(clock).build());
            assertThat(client.health().status()).isEqualTo(HealthStatus.UP);

            int id = client.register("health-value", SCHEMA);
            assertThatThrownBy(() -> client.writerSchema(id + 1000)).isInstanceOf(UnknownSchemaException.class);
            Health answered = client.health();
            assertThat(answered.status()).as("a 404 is an answer").isEqualTo(HealthStatus.UP);
            assertThat(answered.details()).containsEntry("requests", 2L).containsEntry("failures", 0L);

            server.unavailable(true);
            now.set(now.get().plusSeconds(5));
            assertThatThrownBy(() -> client.writerSchema(id + 2000)).isInstanceOf(SchemaRegistryException.class);
            now.set(now.get().plusSeconds(12));
            Health down = client.health();
            assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(down.reasons()).singleElement().asString().contains("has not answered for 12 s")
                    .contains("HTTP 503").doesNotContain("S3CRET");

            server.unavailable(false);
            assertThat(client.writerSchema(id)).isEqualTo(SCHEMA); // cached: no request, still DOWN
            assertThat(client.health().status()).isEqualTo(HealthStatus.DOWN);
            assertThatThrownBy(() -> client.writerSchema(id + 3000)).isInstanceOf(UnknownSchemaException.class);
            Health back = client.health();
            assertThat(back.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(back.reasons()).singleElement().asString().contains("answered since");

            now.set(now.get().plusSeconds(61));
            assertThat(client.health().status()).isEqualTo(HealthStatus.UP);
            assertThat(client.health().toJson()).doesNotContain("S3CRET");

            server.close();
            assertThatThrownBy(() -> client.writerSchema(id + 4000)).isInstanceOf(SchemaRegistryException.class);
            assertThat(client.health().status()).as("unreachable").isEqualTo(HealthStatus.DOWN);
            assertThat(client.health().reasons()).singleElement().asString().contains("Exception");
        }
    }
}
