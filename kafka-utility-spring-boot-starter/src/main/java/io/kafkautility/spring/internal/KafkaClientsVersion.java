package io.kafkautility.spring.internal;

import io.kafkautility.config.ConfigurationException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guards against the kafka-clients downgrade a Spring Boot build does silently: Boot's dependency management pins
 * its own kafka-clients (3.9.x for Boot 3.5), older than the 4.1 the library is built and tested against, and Maven
 * takes the managed version without a word. Without this check the first symptom would be a
 * {@code NoSuchMethodError} deep in a poll loop; with it the application fails to start with a message that says the
 * fix.
 */
public final class KafkaClientsVersion {

    /** The oldest kafka-clients release the library is tested against. */
    public static final int REQUIRED_MAJOR = 4;
    public static final int REQUIRED_MINOR = 1;

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private KafkaClientsVersion() {
    }

    /** Throws when {@code version} (as kafka-clients reports it) is older than 4.1; unknown versions pass. */
    public static void require(String version) {
        Matcher m = VERSION.matcher(version == null ? "" : version.trim());
        if (!m.find()) {
            return; // "unknown" from a repackaged jar: nothing to say
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < REQUIRED_MAJOR || (major == REQUIRED_MAJOR && minor < REQUIRED_MINOR)) {
            throw new ConfigurationException(List.of("kafka-utility needs kafka-clients " + REQUIRED_MAJOR + "."
                    + REQUIRED_MINOR + " or newer but " + version + " is on the class path (Spring Boot's dependency"
                    + " management pins its own): set <kafka.version>4.1.0</kafka.version> in the build, or import"
                    + " kafka-utility-bom before spring-boot-dependencies"));
        }
    }
}
