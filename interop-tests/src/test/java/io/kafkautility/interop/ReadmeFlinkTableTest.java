package io.kafkautility.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's Flink table is the one {@link FlinkSqlRespostasIT} runs, word for word. */
class ReadmeFlinkTableTest {

    @Test
    void theReadmeShowsTheTableTheFlinkTestRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).contains(FlinkSqlRespostasIT.createTable("respostas", "kafka:9092",
                "http://schema-registry:8081", false) + ";");
    }
}
