package io.kafkautility.spring.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.config.ConfigurationException;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

class KafkaClientsVersionTest {

    @Test
    void bootsPinnedClientsAreRefusedWithTheFix() {
        for (String old : new String[] {"3.9.1", "3.8.0", "4.0.0", "2.8.2"}) {
            assertThatThrownBy(() -> KafkaClientsVersion.require(old)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("kafka-clients 4.1 or newer but " + old)
                    .hasMessageContaining("<kafka.version>4.1.0</kafka.version>")
                    .hasMessageContaining("kafka-utility-bom");
        }
    }

    @Test
    void currentAndNewerClientsPass() {
        for (String ok : new String[] {"4.1.0", "4.1.1", "4.2.0-SNAPSHOT", "5.0.0", "unknown", "", null}) {
            assertThatCode(() -> KafkaClientsVersion.require(ok)).doesNotThrowAnyException();
        }
        assertThatCode(() -> KafkaClientsVersion.require(AppInfoParser.getVersion())).doesNotThrowAnyException();
    }
}
