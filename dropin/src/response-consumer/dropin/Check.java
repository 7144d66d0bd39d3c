package dropin;

import io.kafkautility.avro.AvroWireFormat;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.RagResponseAvro;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.SessionManagerOptions;
import io.kafkautility.response.WebSocketSessionManager;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** response-consumer alone: encode and decode a reply, route nothing, start and close the consumer and manager. */
public final class Check {
    public static void main(String[] args) throws Exception {
        Schema schema = RagResponseAvro.schema();
        RagResponse reply = new RagResponse("s-1", "q-1", "forty-two",
                List.of(new RagResponse.Source("doc-1", "Manual", 0.9)), RagResponse.Status.SUCCESS, null,
                Instant.ofEpochMilli(System.currentTimeMillis()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(AvroWireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(1).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(RagResponseAvro.toAvro(reply, schema), enc);
        enc.flush();
        RagResponse decoded = RagResponseAvro.decoder(id -> schema).decode(out.toByteArray());
        if (!decoded.equals(reply)) {
            throw new AssertionError("decoded " + decoded);
        }
        try (WebSocketSessionManager sessions = WebSocketSessionManager.create(SessionManagerOptions.builder().build());
             KafkaResponseConsumer consumer = KafkaResponseConsumer.create(ResponseConsumerOptions.builder()
                     .kafkaProperty("bootstrap.servers", "127.0.0.1:9").writerSchemaResolver(id -> schema).build(),
                     sessions)) {
            consumer.start();
            // JSON frames go through Jackson: the linkage error users met was here
            sessions.beginQuestion("s-1", "q-1");
        }
        // core's validator (JSON limits) through Jackson: NoSuchMethodError StreamReadConstraints$Builder.maxTokenCount
        // when Avro's older jackson-core won the resolution
        io.kafkautility.validation.MessageValidator.create();
        System.out.println("DROPIN response-consumer OK");
    }
}
