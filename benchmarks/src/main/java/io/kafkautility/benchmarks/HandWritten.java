package io.kafkautility.benchmarks;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import io.kafkautility.message.MessageTypes;

/** What a user without the library would write to validate an event's data: networknt on the published schema. */
final class HandWritten {

    private HandWritten() {
    }

    /** The compiled schema of {@code rag.document.processed} v1, its $refs resolved from the schemas jar. */
    static JsonSchema schema() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                .schemaMappers(m -> m.mapPrefix("https://kafkautility.io/schemas/", "classpath:schemas/")));
        JsonSchema schema = factory.getSchema(SchemaLocation.of(MessageTypes.DOCUMENT_PROCESSED.schemaId()));
        schema.initializeValidators();
        return schema;
    }
}
