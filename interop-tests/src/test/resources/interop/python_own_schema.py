"""A Python service writing UI replies with a writer schema of its own, through Confluent's (legacy) AvroProducer.

Usage: python_own_schema.py BOOTSTRAP REGISTRY_URL TOPIC SCHEMA_FILE COUNT
Produces COUNT replies for sessions "py-own-<i>" / questions "q-<i>" with confluent_kafka.avro.AvroProducer, which
registers SCHEMA_FILE under "<TOPIC>-value" itself and writes magic byte + schema id + Avro. The schema is the
service's own: snake_case names, its own enum with lowercase symbols, timestamp-micros, float scores, an extra field.
Prints "PRODUCED <count>" when the broker acknowledged them all.
"""
import datetime
import sys

from confluent_kafka.avro import AvroProducer
import avro.schema

bootstrap, registry, topic, schema_file, count = sys.argv[1:6]
with open(schema_file) as f:
    schema = avro.schema.parse(f.read())

producer = AvroProducer({"bootstrap.servers": bootstrap, "schema.registry.url": registry},
                        default_value_schema=schema)
for i in range(int(count)):
    failed = i % 5 == 4
    producer.produce(topic=topic, key=None, value={
        "session_id": "py-own-%d" % i, "query_id": "q-%d" % i, "model": "llm-py",
        "response": None if failed else "answer %d from python" % i,
        "documents": [] if failed else [{"doc_id": "doc-py-%d" % i, "relevance": 0.5}],
        "state": "error" if failed else "success",
        "created_at": datetime.datetime.now(tz=datetime.timezone.utc)})
remaining = producer.flush(30)
if remaining:
    sys.exit("python producer could not deliver %d replies" % remaining)
print("PRODUCED " + count, flush=True)
