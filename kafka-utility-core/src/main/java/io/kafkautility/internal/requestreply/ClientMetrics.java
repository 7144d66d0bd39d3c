package io.kafkautility.internal.requestreply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.kafkautility.internal.requestreply.RequestReplyMetricNames.*;

/** Meters of one request-reply client; no-op without a registry. Removed from the registry on close. */
final class ClientMetrics {

    private final MeterRegistry registry;
    private final String client;
    private final List<Meter> meters = new ArrayList<>();
    private final ConcurrentHashMap<String, Timer> roundTrip = new ConcurrentHashMap<>();
    private final Counter timeouts;
    private final Counter late;
    private final Counter duplicate;
    private final Counter unknown;
    private final Counter rejected;

    ClientMetrics(MeterRegistry registry, String client, Supplier<Number> pending) {
        this.registry = registry;
        this.client = client;
        if (registry == null) {
            timeouts = late = duplicate = unknown = rejected = null;
            return;
        }
        meters.add(Gauge.builder(PENDING, pending).tag(TAG_CLIENT, client)
                .description("Requests and streams waiting for replies").register(registry));
        timeouts = add(Counter.builder(TIMEOUTS).tag(TAG_CLIENT, client).register(registry));
        late = add(Counter.builder(REPLIES_DROPPED).tag(TAG_CLIENT, client).tag(TAG_REASON, "late").register(registry));
        duplicate = add(Counter.builder(REPLIES_DROPPED).tag(TAG_CLIENT, client).tag(TAG_REASON, "duplicate")
                .register(registry));
        unknown = add(Counter.builder(REPLIES_DROPPED).tag(TAG_CLIENT, client).tag(TAG_REASON, "unknown")
                .register(registry));
        rejected = add(Counter.builder(REJECTED).tag(TAG_CLIENT, client).register(registry));
        for (String o : new String[] {OUTCOME_SUCCESS, OUTCOME_ERROR_REPLY, OUTCOME_TIMEOUT, OUTCOME_CLOSED,
                OUTCOME_SEND_FAILED, OUTCOME_DECODE_FAILED, OUTCOME_CANCELLED, OUTCOME_OVERFLOW}) {
            timer(o);
        }
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    private Timer timer(String outcome) {
        return roundTrip.computeIfAbsent(outcome, o -> add(Timer.builder(ROUND_TRIP).tag(TAG_CLIENT, client)
                .tag(TAG_OUTCOME, o).description("Request to reply").register(registry)));
    }

    void roundTrip(String outcome, long startNanos) {
        if (registry != null) {
            timer(outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            if (OUTCOME_TIMEOUT.equals(outcome)) {
                timeouts.increment();
            }
        }
    }

    void dropped(PendingRequests.DropReason reason) {
        if (registry != null) {
            switch (reason) {
                case LATE -> late.increment();
                case DUPLICATE -> duplicate.increment();
                default -> unknown.increment();
            }
        }
    }

    void rejected() {
        if (registry != null) {
            rejected.increment();
        }
    }

    void close() {
        if (registry != null) {
            synchronized (meters) {
                meters.forEach(registry::remove);
                meters.clear();
            }
        }
    }
}
