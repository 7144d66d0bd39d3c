"""Python peers of kafka-utility's request-reply protocol, written from PROTOCOL.md alone (version 1), with
confluent-kafka-python. The reference for Python teams joining the system; PythonPeersIT runs every mode against a
real broker and the Java clients.

Usage:
  kafka_utility_peer.py responder BOOTSTRAP REQUEST_TOPIC COUNT [REGISTRY_URL AVRO_SCHEMA_FILE]
      An LLM service: answers COUNT requests on REQUEST_TOPIC (rag.llm.requests in production; a group of its own, from
      the topic's end: it prints READY once it reads there), a single rag.llm.response or,
      for "stream": true, rag.llm.response.chunk chunks word by word with ku_chunkseq and a final one; a prompt that
      contains "fail" gets an error reply (code MODEL_OVERLOADED, an error id, no exception text). With a registry it
      also writes the chat replies of requests that name a session to respostas (Avro, Confluent framing): a DELTA per
      word, then the FINAL.
  kafka_utility_peer.py requester BOOTSTRAP REQUEST_TOPIC
      Asks the Java LLM service for a streamed answer on a reply topic of its own (ku-replies-python-...), checks the
      chunks' order and the final marker; then sends a request whose deadline has passed and expects no reply.
  kafka_utility_peer.py hostile BOOTSTRAP REQUEST_TOPIC [EVENTS_TOPIC]
      Writes requests with hostile headers to REQUEST_TOPIC, then reads REQUEST_TOPIC.DLT and prints the
      dead letters' reason headers; with EVENTS_TOPIC, also bad events there (not JSON, an unknown type, a schema
      violation) and reads EVENTS_TOPIC.DLT.
Prints one line per fact (KEY value ...); exits non-zero when something it checks is wrong.
"""
import io
import json
import struct
import sys
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

SCHEMAS = "https://kafkautility.io/schemas/"


def now_rfc3339():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def envelope(kind, data, subject=None, causation=None):
    """A structured-mode CloudEvents 1.0 envelope of one of our message types, version 1 (PROTOCOL.md section 1)."""
    e = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "python-llm-service", "type": kind,
         "time": now_rfc3339(), "datacontenttype": "application/json",
         "dataschema": SCHEMAS + kind + ".v1.schema.json"}
    if subject:
        e["subject"] = subject
    if causation:
        e["causationid"] = causation
    e["data"] = data
    return json.dumps(e, ensure_ascii=False).encode("utf-8")


def headers_of(msg):
    """Headers as text, the last value of a repeated one winning; undecodable values count as missing."""
    out = {}
    for k, v in msg.headers() or []:
        try:
            out[k] = None if v is None else v.decode("utf-8")
        except UnicodeDecodeError:
            out[k] = None
    return out


def say(*parts):
    print(" ".join(str(p) for p in parts), flush=True)


# ---- responder ---------------------------------------------------------------------------------------------------

class ChatReplies:
    """respostas records: Avro with Confluent framing (magic 0, 4-byte schema id, Avro binary), key = session id."""

    def __init__(self, producer, registry_url, schema_file):
        import avro.io
        import avro.schema
        from confluent_kafka.avro import CachedSchemaRegistryClient
        with open(schema_file) as f:
            self.schema = avro.schema.parse(f.read())
        self.schema_id = CachedSchemaRegistryClient({"url": registry_url}).register("respostas-value", self.schema)
        self.writer = avro.io.DatumWriter(self.schema)
        self.producer = producer
        self.avro_io = avro.io

    def send(self, session, question, kind, seq, delta="", answer="", sources=()):
        out = io.BytesIO()
        out.write(struct.pack(">bI", 0, self.schema_id))
        self.writer.write({"sessionId": session, "questionId": question, "answer": answer,
                           "sources": [{"documentId": s, "title": None, "score": 1.0} for s in sources],
                           "status": "SUCCESS", "error": None,
                           "timestamp": datetime.now(timezone.utc),  # timestamp-millis: avro takes a datetime
                           "kind": kind, "seq": seq, "delta": delta}, self.avro_io.BinaryEncoder(out))
        self.producer.produce("respostas", key=session.encode("utf-8"), value=out.getvalue(),
                              headers=[("ku_session", session.encode("utf-8"))])


def responder(bootstrap, topic, count, registry_url=None, schema_file=None):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "python-llm-" + uuid.uuid4().hex[:8],
                         "auto.offset.reset": "latest", "enable.auto.commit": False})
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 0})
    chat = ChatReplies(producer, registry_url, schema_file) if registry_url else None

    def at_the_end(c, partitions):
        for p in partitions:
            p.offset = c.get_watermark_offsets(p, timeout=10)[1]
        c.assign(partitions)
        say("READY", len(partitions))

    consumer.subscribe([topic], on_assign=at_the_end)
    handled = 0
    deadline_at = time.time() + 120
    while handled < count and time.time() < deadline_at:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        h = headers_of(msg)
        correlation, reply_to = h.get("ku_correlationid"), h.get("ku_replyto")
        if not correlation or not reply_to:
            say("SKIPPED no correlation id or reply topic")  # a real service dead-letters it (section 3.5)
            consumer.commit(msg)
            continue
        partition = int(h["ku_replypartition"]) if (h.get("ku_replypartition") or "").isdigit() else None
        deadline = h.get("ku_deadline")
        if deadline and deadline.lstrip("-").isdigit() and int(deadline) < time.time() * 1000:
            say("EXPIRED", correlation)
            consumer.commit(msg)
            handled += 1
            continue
        request = json.loads(msg.value())
        data = request["data"]
        base = [("ku_correlationid", correlation.encode("utf-8"))]

        def reply(value, extra=()):
            kwargs = {"key": correlation.encode("utf-8"), "value": value, "headers": base + list(extra)}
            if partition is not None:
                kwargs["partition"] = partition
            producer.produce(reply_to, **kwargs)

        prompt = data.get("prompt", "")
        words = ("Python says: " + prompt).split(" ")
        if "fail" in prompt:
            error_id = str(uuid.uuid4())
            reply(b"the model is overloaded, try again later",
                  [("ku_replyerror", b"true"), ("ku_replyerrortype", b"MODEL_OVERLOADED"),
                   ("ku_replyerrorid", error_id.encode("utf-8"))])
            say("ERROR_REPLY", correlation, error_id)
        elif data.get("stream"):
            for i, word in enumerate(words):
                delta = word if i == 0 else " " + word
                reply(envelope("rag.llm.response.chunk", {"requestId": data["requestId"], "queryId": data["queryId"],
                                                          "sequence": i, "delta": delta, "final": False},
                               data["queryId"], request["id"]), [("ku_chunkseq", str(i).encode())])
            n = len(words)
            usage = {"promptTokens": len(prompt.split()), "completionTokens": n, "totalTokens": len(prompt.split()) + n}
            reply(envelope("rag.llm.response.chunk", {"requestId": data["requestId"], "queryId": data["queryId"],
                                                      "sequence": n, "delta": "", "final": True,
                                                      "finishReason": "stop", "usage": usage,
                                                      "sources": [{"documentId": "doc-python"}]},
                           data["queryId"], request["id"]),
                  [("ku_chunkseq", str(n).encode()), ("ku_chunkfinal", b"true")])
            say("STREAMED", correlation, n + 1)
        else:
            usage = {"promptTokens": len(prompt.split()), "completionTokens": len(words),
                     "totalTokens": len(prompt.split()) + len(words)}
            reply(envelope("rag.llm.response", {"requestId": data["requestId"], "queryId": data["queryId"],
                                                "answer": " ".join(words), "sources": [{"documentId": "doc-python"}],
                                                "usage": usage, "finishReason": "stop", "model": "python-stand-in"},
                           data["queryId"], request["id"]))
            say("ANSWERED", correlation)
        if chat and data.get("sessionId") and "fail" not in prompt:  # the chat page's stream (section 4)
            for i, word in enumerate(words):
                chat.send(data["sessionId"], data["queryId"], "DELTA", i, delta=word if i == 0 else " " + word)
            chat.send(data["sessionId"], data["queryId"], "FINAL", len(words), answer=" ".join(words),
                      sources=["doc-python"])
            say("CHAT_REPLIES", data["sessionId"][:8], len(words) + 1)
        if producer.flush(30):
            sys.exit("replies not delivered")
        consumer.commit(msg)  # at least once: only after the reply was acknowledged
        handled += 1
    consumer.close()
    say("HANDLED", handled)
    if handled < count:
        sys.exit("handled %d of %d requests" % (handled, count))


# ---- requester ---------------------------------------------------------------------------------------------------

def request_envelope(query, prompt, stream):
    return envelope("rag.llm.request", {"requestId": str(uuid.uuid4()), "queryId": query, "prompt": prompt,
                                        "context": [{"chunkId": "doc-py#0", "documentId": "doc-py",
                                                     "text": "Kafka keeps ordered, replicated logs."}],
                                        "stream": stream}, query)


def requester(bootstrap, topic):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    reply_topic = "ku-replies-python-" + uuid.uuid4().hex[:12]  # a prefix the Java responder accepts (section 3.2)
    admin.create_topics([NewTopic(reply_topic, 1, 1)])[reply_topic].result(30)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-" + reply_topic,
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(reply_topic, 0, 0)])  # a fresh topic: read it from the start
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 0})
    try:
        correlation = "python-" + uuid.uuid4().hex
        producer.produce(topic, value=request_envelope("q-python-stream", "How are logs kept?", True),
                         headers=[("ku_correlationid", correlation.encode()), ("ku_replyto", reply_topic.encode()),
                                  ("ku_deadline", str(int(time.time() * 1000) + 60000).encode())])
        producer.flush(30)
        chunks, final_seq, order, seen = {}, None, [], set()
        end = time.time() + 60
        while time.time() < end and (final_seq is None or len(chunks) < final_seq + 1):
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            h = headers_of(msg)
            if h.get("ku_correlationid") != correlation:
                continue
            if h.get("ku_replyerror") == "true":
                sys.exit("error reply %s %s" % (h.get("ku_replyerrortype"), h.get("ku_replyerrorid")))
            seq = int(h["ku_chunkseq"]) if (h.get("ku_chunkseq") or "").isdigit() else 0
            if seq in seen:
                continue  # a duplicate: dropped (section 3.3)
            seen.add(seq)
            order.append(seq)
            chunks[seq] = json.loads(msg.value())["data"] if msg.value() else None
            if h.get("ku_chunkfinal") == "true" or h.get("ku_chunkseq") is None:
                final_seq = seq
        if final_seq is None or len(chunks) != final_seq + 1:
            sys.exit("stream incomplete: %d chunks, final %s" % (len(chunks), final_seq))
        text = "".join((chunks[i] or {}).get("delta", "") for i in range(final_seq + 1))
        say("CHUNKS", len(chunks))
        say("ORDERED", order == sorted(order))
        say("FINAL", final_seq, (chunks[final_seq] or {}).get("final"), (chunks[final_seq] or {}).get("finishReason"))
        say("TEXT", text)

        late = "python-late-" + uuid.uuid4().hex
        producer.produce(topic, value=request_envelope("q-python-late", "Too late to answer", False),
                         headers=[("ku_correlationid", late.encode()), ("ku_replyto", reply_topic.encode()),
                                  ("ku_deadline", str(int(time.time() * 1000) - 1000).encode())])
        producer.flush(30)
        replies = 0
        end = time.time() + 5
        while time.time() < end:
            msg = consumer.poll(0.5)
            if msg is not None and not msg.error() and headers_of(msg).get("ku_correlationid") == late:
                replies += 1
        say("DEADLINE_REPLIES", replies)
    finally:
        consumer.close()
        admin.delete_topics([reply_topic])


# ---- hostile -----------------------------------------------------------------------------------------------------

def read_dead_letters(bootstrap, topic, cases, label):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "python-dlt-reader-" + uuid.uuid4().hex,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    found = {}
    end = time.time() + 60
    while time.time() < end and len(found) < len(cases):
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        h = headers_of(msg)
        case = h.get("ku_case")  # our own header: a dead letter keeps the original headers (section 5)
        if case in cases:
            found[case] = h
            say(label, case, h.get("ku_dlt_reason"), h.get("ku_dlt_original_topic"),
                h.get("ku_dlt_original_partition"), h.get("ku_dlt_original_offset"), h.get("ku_dlt_failed_at"))
    consumer.close()
    if len(found) < len(cases):
        sys.exit("dead letters on %s found for %s of %s" % (topic, sorted(found), sorted(cases)))


def hostile_events(bootstrap, topic):
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
    good = json.loads(envelope("rag.document.processed", {"documentId": "doc-py", "status": "SUCCESS"}))
    unknown = dict(good, type="rag.python.unknown", dataschema=SCHEMAS + "rag.python.unknown.v1.schema.json")
    violating = dict(good, data={"documentId": "", "status": "MAYBE"})
    cases = {"not-json": b"{not json", "unknown-type": json.dumps(unknown).encode(),
             "schema-violation": json.dumps(violating).encode()}
    for name, value in cases.items():
        producer.produce(topic, key=b"doc-py", value=value,
                         headers=[("content-type", b"application/cloudevents+json"), ("ku_case", name.encode())])
    if producer.flush(30):
        sys.exit("bad events not delivered")
    read_dead_letters(bootstrap, topic + ".DLT", cases, "EVENT_DLT")


def hostile(bootstrap, topic, events_topic=None):
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0})
    cases = {
        "no-correlation": [("ku_replyto", b"ku-replies-python-x")],
        "bad-topic-name": [("ku_correlationid", b"h-1"), ("ku_replyto", b"../../etc/passwd")],
        "negative-partition": [("ku_correlationid", b"h-2"), ("ku_replyto", b"ku-replies-python-x"),
                               ("ku_replypartition", b"-1")],
        "not-allowed-topic": [("ku_correlationid", b"h-3"), ("ku_replyto", b"rag.documents")],
        "garbage-bytes": [("ku_correlationid", b"\xff\xfe\x00"), ("ku_replyto", b"\xc3\x28")],
        "huge-correlation": [("ku_correlationid", b"x" * 100000), ("ku_replyto", b"ku-replies-python-x")],
    }
    for name, headers in cases.items():
        producer.produce(topic, value=request_envelope("q-hostile-" + name, "hostile " + name, False),
                         headers=headers + [("ku_case", name.encode())])
    if producer.flush(30):
        sys.exit("hostile requests not delivered")
    say("SENT", len(cases))
    read_dead_letters(bootstrap, topic + ".DLT", cases, "DLT")
    if events_topic:
        hostile_events(bootstrap, events_topic)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "responder":
        responder(args[0], args[1], int(args[2]), *(args[3:5]))
    elif mode == "requester":
        requester(args[0], args[1])
    elif mode == "hostile":
        hostile(args[0], args[1], *(args[2:3]))
    else:
        sys.exit("unknown mode " + mode)
