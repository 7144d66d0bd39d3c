package io.kafkautility.health;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one component (or of several, with {@link #components()}): a status, the reasons in plain words when
 * it is not {@link HealthStatus#UP}, and details (numbers an operator looks at: lag, breaker state, last poll). No
 * payload, key or secret is ever part of it. Immutable.
 *
 * @param component  the component's name, e.g. {@code producer} or {@code consumer:indexer}
 * @param status     its status
 * @param reasons    why it is not UP; empty when UP
 * @param details    what was looked at (strings, numbers, booleans)
 * @param components the parts it was computed from (for an aggregate), else empty
 */
public record Health(String component, HealthStatus status, List<String> reasons, Map<String, Object> details,
                     List<Health> components) {

    public Health {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(status, "status");
        reasons = List.copyOf(reasons);
        details = Map.copyOf(details);
        components = List.copyOf(components);
    }

    /** A component's health without parts. */
    public static Health of(String component, HealthStatus status, List<String> reasons, Map<String, Object> details) {
        return new Health(component, status, reasons, details, List.of());
    }

    /** Whether it is UP or DEGRADED (a readiness probe passes). */
    public boolean isReady() {
        return status != HealthStatus.DOWN;
    }

    /** As JSON: {@code {"component":..,"status":..,"reasons":[..],"details":{..},"components":[..]}}. */
    public String toJson() {
        return node().toString();
    }

    private ObjectNode node() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("component", component);
        n.put("status", status.name());
        ArrayNode r = n.putArray("reasons");
        reasons.forEach(r::add);
        ObjectNode d = n.putObject("details");
        details.forEach((k, v) -> {
            if (v instanceof Integer || v instanceof Long) {
                d.put(k, ((Number) v).longValue());
            } else if (v instanceof Number num) {
                d.put(k, num.doubleValue());
            } else if (v instanceof Boolean b) {
                d.put(k, b);
            } else {
                d.put(k, String.valueOf(v));
            }
        });
        if (!components.isEmpty()) {
            ArrayNode c = n.putArray("components");
            components.forEach(h -> c.add(h.node()));
        }
        return n;
    }
}
