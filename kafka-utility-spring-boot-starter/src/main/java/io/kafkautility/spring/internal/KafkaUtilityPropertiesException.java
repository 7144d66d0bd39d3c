package io.kafkautility.spring.internal;

import io.kafkautility.config.ConfigurationException;
import java.util.List;

/** The {@code kafka-utility.*} properties of an application are wrong: each problem names its property. */
public final class KafkaUtilityPropertiesException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    public KafkaUtilityPropertiesException(List<String> problems) {
        super(problems);
    }
}
