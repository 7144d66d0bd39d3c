package io.kafkautility.response.internal;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.AvroDecodingException.Reason;
import io.kafkautility.avro.WriterSchemaMapper;
import io.kafkautility.response.RagResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Maps records of any writer schema that carries the reply's fields, by name, to {@link RagResponse}: the rules the
 * README's "Replies from Flink, Python and other producers" section states. Field names match ignoring case, {@code _},
 * {@code -} and {@code .} ({@code session_id} is {@code sessionId}), then through a few usual aliases and the writer
 * field's own Avro aliases; the record's name and namespace do not matter; extra fields are ignored.
 *
 * <p>Required: {@code sessionId}, {@code questionId} (strings) and {@code timestamp} ({@code long} as epoch millis, or
 * {@code timestamp-millis}, {@code timestamp-micros}, {@code timestamp-nanos} and their {@code local-} variants, or an
 * RFC 3339 string). Optional, with the reply schema's defaults: {@code answer} (""), {@code sources} (none),
 * {@code status} (SUCCESS, or ERROR when an error text is present), {@code error} (null). Any of them may be a nullable
 * union; a null in a required field rejects that record, naming the field. {@code status} is a string or an enum of
 * any name, matched case-insensitively; an unknown value rejects the record, naming it. {@code sources} is an array
 * (nullable, with nullable items, which are skipped) of records carrying {@code documentId} and optionally
 * {@code title} and {@code score} (any number), or of plain strings (document ids).
 *
 * <p>Stateless and thread-safe.
 */
public final class RagResponseMapper implements WriterSchemaMapper<RagResponse> {

    private static final int MAX_VALUE_IN_MESSAGE = 40;

    // target field -> the normalized names that match it, the canonical one first
    private static final Map<String, List<String>> NAMES = Map.ofEntries(
            Map.entry("sessionId", List.of("sessionid", "session", "wssessionid", "websocketsessionid")),
            Map.entry("questionId", List.of("questionid", "queryid", "requestid")),
            Map.entry("answer", List.of("answer", "response", "answertext", "responsetext", "text")),
            Map.entry("sources", List.of("sources", "documents", "sourcedocuments", "references")),
            Map.entry("status", List.of("status", "responsestatus", "state")),
            Map.entry("error", List.of("error", "errormessage", "errortext")),
            Map.entry("timestamp", List.of("timestamp", "ts", "time", "eventtime", "createdat", "producedat")),
            Map.entry("kind", List.of("kind", "chunkkind", "replykind")),
            Map.entry("seq", List.of("seq", "sequence", "chunkseq", "chunksequence")),
            Map.entry("delta", List.of("delta", "chunk", "token", "deltatext")),
            Map.entry("documentId", List.of("documentid", "docid", "id", "document")),
            Map.entry("title", List.of("title", "documenttitle", "name")),
            Map.entry("score", List.of("score", "relevance", "similarity")));

    @Override
    public Mapping<RagResponse> mappingFor(Schema writer, int schemaId) {
        Fields fields = new Fields(writer, schemaId, "");
        Text sessionId = fields.text("sessionId", true);
        Text questionId = fields.text("questionId", true);
        Time timestamp = fields.time("timestamp");
        Text answer = fields.text("answer", false);
        Text error = fields.text("error", false);
        Text status = fields.status();
        Sources sources = fields.sources();
        Text kind = fields.enumOrText("kind");
        Schema.Field seq = fields.find("seq", false);
        if (seq != null) {
            fields.type(seq, "seq", Schema.Type.INT, Schema.Type.LONG);
        }
        Text delta = fields.text("delta", false);
        String description = fields.description();
        return new Mapping<>() {
            @Override
            public RagResponse map(GenericRecord r) {
                String errorText = error == null ? null : error.read(r, schemaId);
                return new RagResponse(sessionId.read(r, schemaId), questionId.read(r, schemaId),
                        answer == null ? "" : answer.read(r, schemaId),
                        sources == null ? List.of() : sources.read(r, schemaId),
                        status(status == null ? null : status.read(r, schemaId), errorText, status, schemaId),
                        errorText, timestamp.read(r, schemaId), kind(kind == null ? null : kind.read(r, schemaId),
                        kind, schemaId), seq == null ? 0 : sequence(r.get(seq.pos()), schemaId),
                        delta == null ? "" : delta.read(r, schemaId));
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    private static RagResponse.Status status(String value, String error, Text field, int schemaId) {
        if (value == null) {
            return error == null || error.isEmpty() ? RagResponse.Status.SUCCESS : RagResponse.Status.ERROR;
        }
        for (RagResponse.Status s : RagResponse.Status.values()) {
            if (s.name().equalsIgnoreCase(value.trim())) {
                return s;
            }
        }
        throw invalid(schemaId, "field " + field.path + " holds unknown status '" + printable(value)
                + "' (expected SUCCESS or ERROR, any case)");
    }

    private static RagResponse.Kind kind(String value, Text field, int schemaId) {
        if (value == null) {
            return RagResponse.Kind.FINAL;
        }
        for (RagResponse.Kind k : RagResponse.Kind.values()) {
            if (k.name().equalsIgnoreCase(value.trim())) {
                return k;
            }
        }
        throw invalid(schemaId, "field " + field.path + " holds unknown kind '" + printable(value)
                + "' (expected FINAL or DELTA, any case)");
    }

    private static int sequence(Object value, int schemaId) {
        long v = value == null ? 0 : ((Number) value).longValue();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw invalid(schemaId, "field seq holds " + v + ", not a position in a stream");
        }
        return (int) v;
    }

    static String normalize(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && c != '-' && c != '.') {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }

    /** A value from the wire, safe to put in a log line: printable ASCII only, bounded. */
    private static String printable(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length() && b.length() < MAX_VALUE_IN_MESSAGE; i++) {
            char c = value.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
        }
        return value.length() > MAX_VALUE_IN_MESSAGE ? b + "..." : b.toString();
    }

    private static AvroDecodingException incompatible(int schemaId, Schema record, String message) {
        return new AvroDecodingException(Reason.INCOMPATIBLE_SCHEMA, schemaId, "writer schema id " + schemaId + " ("
                + record.getFullName() + ") cannot be read as a reply: " + message, null);
    }

    private static AvroDecodingException invalid(int schemaId, String message) {
        return new AvroDecodingException(Reason.INVALID_FIELD, schemaId, "reply of schema id " + schemaId + ": "
                + message, null);
    }

    /** The non-null branch of a nullable union, or the schema itself; null for a union of anything else. */
    private static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        List<Schema> branches = s.getTypes();
        if (branches.size() == 2 && branches.stream().anyMatch(b -> b.getType() == Schema.Type.NULL)) {
            return branches.stream().filter(b -> b.getType() != Schema.Type.NULL).findFirst().orElse(null);
        }
        return null;
    }

    private static String shape(Schema s) {
        Schema inner = nonNull(s);
        String prefix = s.getType() == Schema.Type.UNION ? "nullable " : "";
        if (inner == null) {
            return "union " + s.getTypes().stream().map(b -> b.getType().getName()).toList();
        }
        LogicalType logical = inner.getLogicalType();
        String type = logical != null ? logical.getName() : inner.getType() == Schema.Type.RECORD
                || inner.getType() == Schema.Type.ENUM ? inner.getType().getName() + " " + inner.getName()
                : inner.getType() == Schema.Type.ARRAY ? "array of " + shape(inner.getElementType())
                : inner.getType().getName();
        return prefix + type;
    }

    /** The writer fields of one record schema, looked up by target name; records what was mapped. */
    private static final class Fields {
        private final Schema record;
        private final int schemaId;
        private final String prefix;
        private final Map<String, Schema.Field> byName = new LinkedHashMap<>();
        private final List<Schema.Field> used = new ArrayList<>();
        private final StringJoiner mapped = new StringJoiner(", ");

        Fields(Schema record, int schemaId, String prefix) {
            this.record = record;
            this.schemaId = schemaId;
            this.prefix = prefix;
            for (Schema.Field f : record.getFields()) {
                byName.putIfAbsent(normalize(f.name()), f);
            }
            for (Schema.Field f : record.getFields()) {
                for (String alias : f.aliases()) {
                    byName.putIfAbsent(normalize(alias), f);
                }
            }
        }

        Schema.Field find(String target, boolean required) {
            for (String name : NAMES.get(target)) {
                Schema.Field f = byName.get(name);
                if (f != null && !used.contains(f)) {
                    used.add(f);
                    mapped.add(prefix + target + "<-" + f.name() + " (" + shape(f.schema()) + ")");
                    return f;
                }
            }
            if (required) {
                throw incompatible(schemaId, record, "it has no field " + prefix + target + " (nor any of "
                        + NAMES.get(target) + ", ignoring case, '_', '-' and '.')");
            }
            mapped.add(prefix + target + "<-absent");
            return null;
        }

        Schema type(Schema.Field f, String target, Schema.Type... accepted) {
            Schema inner = nonNull(f.schema());
            if (inner != null) {
                for (Schema.Type t : accepted) {
                    if (inner.getType() == t) {
                        return inner;
                    }
                }
            }
            throw incompatible(schemaId, record, "field " + f.name() + " (" + prefix + target + ") is "
                    + shape(f.schema()) + ", not " + List.of(accepted).stream()
                    .map(t -> t.getName()).reduce((a, b) -> a + " or " + b).orElse("?"));
        }

        Text text(String target, boolean required) {
            Schema.Field f = find(target, required);
            if (f == null) {
                return null;
            }
            type(f, target, Schema.Type.STRING);
            return new Text(f.pos(), prefix + target + " (" + f.name() + ")", required);
        }

        Text status() {
            return enumOrText("status");
        }

        Text enumOrText(String target) {
            Schema.Field f = find(target, false);
            if (f == null) {
                return null;
            }
            type(f, target, Schema.Type.STRING, Schema.Type.ENUM);
            return new Text(f.pos(), target + " (" + f.name() + ")", false);
        }

        Time time(String target) {
            Schema.Field f = find(target, true);
            Schema inner = type(f, target, Schema.Type.LONG, Schema.Type.STRING);
            long divisor = 1;
            LogicalType logical = inner.getLogicalType();
            String name = logical == null ? "" : logical.getName();
            if (name.endsWith("-micros")) {
                divisor = 1_000;
            } else if (name.endsWith("-nanos")) {
                divisor = 1_000_000;
            } else if (inner.getType() == Schema.Type.LONG && !name.isEmpty() && !name.endsWith("-millis")) {
                throw incompatible(schemaId, record, "field " + f.name() + " (" + target + ") is " + name
                        + ", not a timestamp");
            }
            return new Time(f.pos(), target + " (" + f.name() + ")", inner.getType() == Schema.Type.STRING,
                    divisor);
        }

        Sources sources() {
            Schema.Field f = find("sources", false);
            if (f == null) {
                return null;
            }
            Schema array = type(f, "sources", Schema.Type.ARRAY);
            Schema items = nonNull(array.getElementType());
            if (items == null || (items.getType() != Schema.Type.RECORD && items.getType() != Schema.Type.STRING)) {
                throw incompatible(schemaId, record, "field " + f.name() + " (sources) is an array of "
                        + shape(array.getElementType()) + ", not of records or strings");
            }
            if (items.getType() == Schema.Type.STRING) {
                return new Sources(f.pos(), "sources (" + f.name() + ")", null, null, null);
            }
            Fields item = new Fields(items, schemaId, "sources.");
            Schema.Field documentId = item.find("documentId", true);
            item.type(documentId, "documentId", Schema.Type.STRING);
            Schema.Field title = item.find("title", false);
            if (title != null) {
                item.type(title, "title", Schema.Type.STRING);
            }
            Schema.Field score = item.find("score", false);
            if (score != null) {
                item.type(score, "score", Schema.Type.DOUBLE, Schema.Type.FLOAT, Schema.Type.INT, Schema.Type.LONG);
            }
            mapped.add(item.mapped.toString());
            return new Sources(f.pos(), "sources (" + f.name() + ")", documentId, title, score);
        }

        String description() {
            List<String> ignored = record.getFields().stream().filter(f -> !used.contains(f)).map(Schema.Field::name)
                    .toList();
            return mapped + (ignored.isEmpty() ? "" : "; ignored " + ignored);
        }
    }

    /** A string (or enum) field by position. */
    private static final class Text {
        final int pos;
        final String path;
        final boolean required;

        Text(int pos, String path, boolean required) {
            this.pos = pos;
            this.path = path;
            this.required = required;
        }

        String read(GenericRecord r, int schemaId) {
            Object v = r.get(pos);
            if (v == null) {
                if (required) {
                    throw invalid(schemaId, "required field " + path + " is null");
                }
                return null;
            }
            return v.toString();
        }
    }

    /** The time field by position, as an {@link Instant}. */
    private record Time(int pos, String path, boolean text, long divisor) {
        Instant read(GenericRecord r, int schemaId) {
            Object v = r.get(pos);
            if (v == null) {
                throw invalid(schemaId, "required field " + path + " is null");
            }
            if (text) {
                try {
                    return OffsetDateTime.parse(v.toString().trim().toUpperCase(Locale.ROOT)).toInstant();
                } catch (DateTimeParseException e) {
                    throw invalid(schemaId, "field " + path + " is not an RFC 3339 time");
                }
            }
            long value = ((Long) v);
            return Instant.ofEpochMilli(divisor == 1 ? value : Math.floorDiv(value, divisor));
        }
    }

    /** The sources array by position; items are records (document id, title, score positions) or strings. */
    private record Sources(int pos, String path, Schema.Field documentId, Schema.Field title, Schema.Field score) {
        List<RagResponse.Source> read(GenericRecord r, int schemaId) {
            Object v = r.get(pos);
            if (!(v instanceof List<?> items)) {
                return List.of();
            }
            List<RagResponse.Source> sources = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                if (item == null) {
                    continue;
                }
                if (documentId == null) {
                    sources.add(new RagResponse.Source(item.toString(), null, null));
                    continue;
                }
                GenericRecord s = (GenericRecord) item;
                Object id = s.get(documentId.pos());
                if (id == null) {
                    throw invalid(schemaId, "required field sources[" + i + "].documentId (" + documentId.name()
                            + ") is null");
                }
                Object title = this.title == null ? null : s.get(this.title.pos());
                Object score = this.score == null ? null : s.get(this.score.pos());
                sources.add(new RagResponse.Source(id.toString(), title == null ? null : title.toString(),
                        score == null ? null : ((Number) score).doubleValue()));
            }
            return sources;
        }
    }
}
