"""Confluent's own (legacy) Avro serializer from confluent-kafka-python, against kafka-utility's reply path.

Usage: confluent_interop.py BOOTSTRAP REGISTRY_URL TOPIC SCHEMA_FILE
1. produces a RagResponse for session "py-1" / question "q-py" with confluent_kafka.avro.AvroProducer
   (registers the schema itself, writes magic byte + schema id + Avro);
2. reads the topic from the beginning with confluent_kafka.avro.AvroConsumer until it finds the reply kafka-utility's
   AvroWireEncoder wrote for session "java-1", and prints it as one JSON line prefixed with "DECODED ".
"""
import datetime
import json
import sys
import time

from confluent_kafka.avro import AvroConsumer, AvroProducer
import avro.schema

bootstrap, registry, topic, schema_file = sys.argv[1:5]
with open(schema_file) as f:
    schema = avro.schema.parse(f.read())

producer = AvroProducer({"bootstrap.servers": bootstrap, "schema.registry.url": registry},
                        default_value_schema=schema)
producer.produce(topic=topic, key=None, value={
    "sessionId": "py-1", "questionId": "q-py", "answer": "answer from python",
    "sources": [{"documentId": "doc-py", "title": None, "score": 0.5}],
    "status": "SUCCESS", "error": None,
    "timestamp": datetime.datetime.now(tz=datetime.timezone.utc),
    # the streaming fields (Python's avro writes no defaults: a writer on the current schema gives them)
    "kind": "FINAL", "seq": 0, "delta": ""})
remaining = producer.flush(30)
if remaining:
    sys.exit("python producer could not deliver")
print("PRODUCED py-1", flush=True)

consumer = AvroConsumer({"bootstrap.servers": bootstrap, "schema.registry.url": registry,
                         "group.id": "interop-" + str(time.time()), "auto.offset.reset": "earliest"})
consumer.subscribe([topic])
deadline = time.time() + 60
try:
    while time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is None or msg.error():
            continue
        value = msg.value()
        if value and value.get("sessionId") == "java-1":
            ts = value.get("timestamp")
            if isinstance(ts, datetime.datetime):
                value["timestamp"] = int(ts.timestamp() * 1000)
            print("DECODED " + json.dumps(value), flush=True)
            sys.exit(0)
finally:
    consumer.close()
sys.exit("python consumer did not find the java-1 reply")
