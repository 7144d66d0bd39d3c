package io.kafkautility.spring.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Refuses a {@code kafka-utility.*} key the starter does not have (a typo would otherwise be ignored, and the context
 * fail later for a reason that never names it), suggesting the nearest valid one; warns of a key under
 * {@code kafka-utility.kafka.*} that is no Kafka client setting. Reads the application's property sources (files,
 * command line, system properties, test properties), not the process environment, whose variables are not written in
 * the property's form.
 */
public final class UnknownProperties {

    private static final Logger log = LoggerFactory.getLogger(UnknownProperties.class);
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PropertyNames.PREFIX);
    private static final ConfigurationPropertyName KAFKA = ConfigurationPropertyName.of(PropertyNames.KAFKA);

    private UnknownProperties() {
    }

    /**
     * @return the problems (empty when every key is known); logs a WARN for each unknown Kafka key
     */
    public static List<String> check(Environment environment) {
        List<String> problems = new ArrayList<>();
        if (!(environment instanceof ConfigurableEnvironment env)) {
            return problems;
        }
        List<ConfigurationPropertyName> known = PropertyNames.all().stream().map(ConfigurationPropertyName::of)
                .toList();
        Set<String> kafkaKeys = new LinkedHashSet<>();
        kafkaKeys.addAll(ProducerConfig.configNames());
        kafkaKeys.addAll(ConsumerConfig.configNames());
        kafkaKeys.addAll(AdminClientConfig.configNames());
        Set<String> seen = new LinkedHashSet<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> names)
                    || StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName())) {
                continue;
            }
            for (String raw : names.getPropertyNames()) {
                if (!raw.regionMatches(true, 0, PropertyNames.PREFIX + ".", 0, PropertyNames.PREFIX.length() + 1)
                        || !seen.add(raw)) {
                    continue;
                }
                ConfigurationPropertyName name = ConfigurationPropertyName.adapt(raw, '.');
                if (name.isEmpty() || !ROOT.isAncestorOf(name) || known.contains(name)) {
                    continue;
                }
                if (KAFKA.isAncestorOf(name)) {
                    String key = raw.substring(PropertyNames.KAFKA.length() + 1).replaceAll("^\\[|\\]$", "");
                    if (!kafkaKeys.contains(key)) {
                        log.warn("{} (in {}) is no setting of Kafka's producer, consumer or admin client: passed on "
                                + "as it is, but check its spelling{}", raw, source.getName(), nearest(key, kafkaKeys,
                                "; did you mean " + PropertyNames.KAFKA + "."));
                    }
                    continue;
                }
                problems.add(raw + " (in " + source.getName() + ") is not a kafka-utility property"
                        + nearest(raw.substring(PropertyNames.PREFIX.length() + 1), PropertyNames.FIELDS.keySet(),
                        "; did you mean " + PropertyNames.PREFIX + "."));
            }
        }
        return problems;
    }

    /** {@code "<lead><nearest>?"} when a candidate is within a third of the key's length, else "". */
    static String nearest(String key, Set<String> candidates, String lead) {
        String k = key.toLowerCase(Locale.ROOT).replace("_", "-");
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(k, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, k.length() / 3) ? lead + best + "?" : "";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
