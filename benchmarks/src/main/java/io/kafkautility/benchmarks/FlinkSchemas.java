package io.kafkautility.benchmarks;

/** The writer schema a Flink SQL job derives for the README's respostas table, for the reply benchmarks. */
final class FlinkSchemas {

    /** What Flink SQL's avro-confluent format derives for the README's respostas table (nullable columns). */
    static final String NULLABLE = """
            {"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[
              {"name":"sessionId","type":["null","string"],"default":null},
              {"name":"questionId","type":["null","string"],"default":null},
              {"name":"answer","type":["null","string"],"default":null},
              {"name":"sources","type":["null",{"type":"array","items":["null",{"type":"record",
                "name":"record_sources","fields":[
                {"name":"documentId","type":["null","string"],"default":null},
                {"name":"title","type":["null","string"],"default":null},
                {"name":"score","type":["null","double"],"default":null}]}]}],"default":null},
              {"name":"status","type":["null","string"],"default":null},
              {"name":"error","type":["null","string"],"default":null},
              {"name":"timestamp","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null}]}""";

    private FlinkSchemas() {
    }
}
