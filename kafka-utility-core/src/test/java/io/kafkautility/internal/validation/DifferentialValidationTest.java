package io.kafkautility.internal.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.regex.JoniRegularExpressionFactory;
import io.kafkautility.internal.message.JacksonEnvelopeCodec;
import io.kafkautility.message.JsonLimits;
import io.kafkautility.message.MessageCatalog;
import io.kafkautility.message.MessageType;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.ValidationError;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled validator against an independent implementation, networknt json-schema-validator with the joni
 * ECMA-262 engine for {@code pattern}, on at least 1,000,000 generated documents per schema of ours
 * ({@link BoundaryDocuments}: near every boundary the schemas draw). Each document is parsed as the reader parses it
 * (exact numbers), then judged by both. Where they disagree, every violation one reports and the other does not must be
 * one of the {@link #DEVIATIONS}: a networknt deviation from the specification, named with the rule it breaks (the
 * README's validation section lists them). Anything else is an unexplained disagreement and fails the property.
 */
class DifferentialValidationTest {

    static final int DOCUMENTS_PER_TRY = 100;
    static final int TRIES = 10_000;

    /** A networknt verdict that breaks the specification: the rule, and how to recognise the value. */
    record Deviation(String rule, BiPredicate<String, JsonNode> matches) {
    }

    static final List<Deviation> DEVIATIONS = List.of(
            // date-time (RFC 3339 section 5.6 / 5.7)
            new Deviation("date-time: text after the time-offset is accepted (RFC 3339 5.6: a date-time ends with its time-offset)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s)\\d{4}-\\d\\d-\\d\\d[Tt ]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?([Zz]|[+-]\\d\\d:?\\d\\d).+")),
            new Deviation("date-time: a space instead of T is accepted (RFC 3339 5.6: full-date \"T\" full-time; T or t only)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s)\\d{4}-\\d\\d-\\d\\d .*")),
            new Deviation("date-time: the colon of a numeric offset is not checked (RFC 3339 5.6: time-numoffset = (\"+\" / \"-\") time-hour \":\" time-minute)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s).*:\\d\\d(\\.\\d+)?[+-]\\d\\d[^:]\\d\\d")),
            new Deviation("date-time: a leap second is accepted on a day without one (RFC 3339 5.7 and Appendix D: second 60 only at 23:59:60 UTC on a leap-second day)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s).*T\\d\\d:\\d\\d:60.*")),
            new Deviation("date-time: more than 9 fraction digits are refused (RFC 3339 5.6: time-secfrac = \".\" 1*DIGIT)",
                    (k, v) -> k.equals("theirs format") && text(v).matches("(?s).*:\\d\\d\\.\\d{10,}.*")),
            new Deviation("date-time: offsets beyond +-18:00 are refused (RFC 3339 5.6: time-numoffset hours are 00-23)",
                    (k, v) -> k.equals("theirs format") && text(v).matches("(?s).*[+-](1[89]|2[0-3]):[0-5]\\d") && !text(v).endsWith("18:00")),
            new Deviation("date-time: the offset -00:00 is refused (RFC 3339 4.3: unknown local offset)",
                    (k, v) -> k.equals("theirs format") && text(v).endsWith("-00:00")),
            // uri-reference (RFC 3986 section 4.1)
            new Deviation("uri-reference: a colon in the authority beyond host:port is accepted (RFC 3986 3.2: authority = [ userinfo \"@\" ] host [ \":\" port ], port = *DIGIT)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s)([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\[]*:[^/?#]*:.*|(?s)([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#\\[]*:[^/?#]*[^0-9/?#][^/?#]*([/?#].*)?")),
            new Deviation("uri-reference: a second '@' in the authority is accepted (RFC 3986 3.2.1 / 3.2.2: neither userinfo nor reg-name holds an '@')",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s)([A-Za-z][A-Za-z0-9+.-]*:)?//[^/?#]*@[^/?#]*@.*")),
            new Deviation("uri-reference: '[' or ']' outside an IP-literal is accepted (RFC 3986 3.3-3.5: pchar, query and fragment hold no '[' or ']')",
                    (k, v) -> k.equals("ours format") && text(v).replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#@]*@)?\\[[^\\]/?#]*\\]", "").matches("(?s).*[\\[\\]].*")),
            new Deviation("uri-reference: a colon after something that is not a scheme is accepted (RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / \"+\" / \"-\" / \".\" ); 4.2: a relative reference's first segment holds no colon)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s)([^A-Za-z/?#][^/?#]*)?:.*")),
            new Deviation("uri-reference: an IPv6 zone id is accepted (RFC 3986 3.2.2: IP-literal has none; zone ids are RFC 6874's)",
                    (k, v) -> k.equals("ours format") && text(v).matches("(?s).*//([^/?#@]*@)?\\[[0-9A-Fa-f:.]*%.*")),
            new Deviation("uri-reference: IPvFuture is refused (RFC 3986 3.2.2: IP-literal = \"[\" ( IPv6address / IPvFuture ) \"]\")",
                    (k, v) -> k.equals("theirs format") && text(v).matches("(?s).*//([^/?#@]*@)?\\[[vV][0-9A-Fa-f]+\\..*")),
            new Deviation("uri-reference: a scheme followed by an empty path is refused (RFC 3986 3: hier-part = ... / path-empty, e.g. mailto:#f)",
                    (k, v) -> k.equals("theirs format") && text(v).matches("(?s)[A-Za-z][A-Za-z0-9+.-]*:([?#].*)?")),
            // pattern (ECMA-262)
            new Deviation("pattern: $ matches before a final line feed (joni; ECMA-262 22.2.2.6: without the m flag $ matches only at the end of the input)",
                    (k, v) -> k.equals("ours pattern") && text(v).endsWith("\n")),
            // numbers (JSON Schema 2020-12: arbitrary-precision numbers)
            new Deviation("numbers: a number no double can hold is read as a double (-1e400 as -Infinity, -1e-400 as -0), so bounds judge another number (JSON Schema Validation 6.2: numbers compare by their mathematical value)",
                    (k, v) -> v.isBigDecimal() && (k.endsWith(" minimum") || k.endsWith(" maximum") || k.endsWith(" type"))));

    private static String text(JsonNode v) {
        return v.isTextual() ? v.textValue() : "";
    }

    private static final DefaultMessageValidator OURS = new DefaultMessageValidator(MessageCatalog.standard(),
            JsonLimits.defaults(), DifferentialValidationTest.class.getClassLoader());
    private static final JacksonEnvelopeCodec READER = new JacksonEnvelopeCodec(JsonLimits.defaults());
    private static final Map<MessageType, JsonSchema> THEIRS = new ConcurrentHashMap<>();
    private static final Map<MessageType, Map<String, LongAdder>> COUNTS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> BY_DEVIATION = new ConcurrentHashMap<>();
    private static final Map<String, List<String>> UNEXPLAINED = new ConcurrentHashMap<>();

    private static JsonSchema theirs(MessageType type) {
        return THEIRS.computeIfAbsent(type, t -> DefaultMessageValidator.compile(
                DefaultMessageValidator.newFactory(DifferentialValidationTest.class.getClassLoader()),
                DefaultMessageValidator.networkntConfig(JoniRegularExpressionFactory.getInstance()), t));
    }

    private static final Map<MessageType, BoundaryDocuments> GENERATORS = new ConcurrentHashMap<>();

    void run(String name, String version, long seed) {
        MessageType type = MessageCatalog.standard().get(name).versions().stream()
                .filter(t -> t.version().equals(version)).findFirst().orElseThrow();
        BoundaryDocuments generator = GENERATORS.computeIfAbsent(type, BoundaryDocuments::new);
        JsonSchema networknt = theirs(type);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, LongAdder> counts = COUNTS.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
        for (int i = 0; i < DOCUMENTS_PER_TRY; i++) {
            String json = generator.next(random);
            count(counts, "documents");
            JsonNode data;
            try {
                data = READER.parse(json.getBytes(StandardCharsets.UTF_8));
            } catch (MessageValidationException e) {
                count(counts, "refused by the parser (" + e.reason() + ")");
                continue;
            }
            List<ValidationError> ours;
            try {
                ours = OURS.validate(type, data);
            } catch (MessageValidationException e) {
                count(counts, "refused by the bounds (" + e.reason() + ")");
                continue;
            }
            assertThat(OURS.schemaOf(type).isValid(data, false)).as("isValid agrees with the report").isEqualTo(ours.isEmpty());
            List<ValidationError> theirs = DefaultMessageValidator.toErrors(networknt.validate(data), false);
            count(counts, ours.isEmpty() ? "valid" : "invalid");
            if (ours.isEmpty() == theirs.isEmpty()) {
                continue;
            }
            count(counts, "disagreements");
            explain(type, json, data, ours, theirs);
        }
    }

    private static void explain(MessageType type, String json, JsonNode data, List<ValidationError> ours,
                                List<ValidationError> theirs) {
        Set<String> a = keys(ours);
        Set<String> b = keys(theirs);
        Set<String> onlyOurs = new HashSet<>(a);
        onlyOurs.removeAll(b);
        Set<String> onlyTheirs = new HashSet<>(b);
        onlyTheirs.removeAll(a);
        List<String> differing = new ArrayList<>();
        onlyOurs.forEach(k -> differing.add("ours " + k));
        onlyTheirs.forEach(k -> differing.add("theirs " + k));
        for (String d : differing) {
            String key = d.substring(d.indexOf(' ') + 1);
            String pointer = key.substring(0, key.lastIndexOf(' '));
            String keyword = key.substring(key.lastIndexOf(' ') + 1);
            JsonNode value = data.at(pointer);
            Deviation deviation = DEVIATIONS.stream().filter(x -> x.matches().test(d.substring(0, d.indexOf(' ')) + " " + keyword, value))
                    .findFirst().orElse(null);
            if (deviation != null) {
                BY_DEVIATION.computeIfAbsent(deviation.rule(), k -> new LongAdder()).increment();
            } else {
                List<String> samples = UNEXPLAINED.computeIfAbsent(d.substring(0, d.indexOf(' ')) + " " + keyword
                        + " " + pointer.replaceAll("/\\d+", "/N"), k -> java.util.Collections.synchronizedList(new ArrayList<>()));
                if (samples.size() < 5) {
                    samples.add(type + " " + pointer + " = " + abbreviate(value.toString()));
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...(" + s.length() + ")";
    }

    private static Set<String> keys(List<ValidationError> errors) {
        Set<String> out = new HashSet<>();
        errors.forEach(e -> out.add(e.pointer() + " " + e.keyword()));
        return out;
    }

    private static void count(Map<String, LongAdder> counts, String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    @AfterContainer
    static void summary() {
        long total = COUNTS.values().stream().mapToLong(c -> c.get("documents").sum()).sum();
        Map<String, Map<String, Long>> printable = new TreeMap<>();
        COUNTS.forEach((t, c) -> {
            Map<String, Long> m = new TreeMap<>();
            c.forEach((k, v) -> m.put(k, v.sum()));
            printable.put(t.toString(), m);
        });
        long unexplained = UNEXPLAINED.size();
        System.out.println("Differential validation (compiled vs networknt " + "1.5.9 + joni): " + total
                + " documents, unexplained disagreements: " + unexplained);
        printable.forEach((t, m) -> System.out.println("  " + t + ": " + m));
        System.out.println("  networknt deviations from the specification (disagreements, by rule):");
        new TreeMap<>(BY_DEVIATION).forEach((rule, n) -> System.out.println("    " + n.sum() + "  " + rule));
        UNEXPLAINED.forEach((k, v) -> System.out.println("  UNEXPLAINED " + k + ": " + v));
        assertThat(UNEXPLAINED).as("unexplained disagreements").isEmpty();
        printable.forEach((t, m) -> assertThat(m.get("documents")).as(t).isGreaterThanOrEqualTo((long) TRIES * DOCUMENTS_PER_TRY));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void documentUploaded(@ForAll long seed) {
        run("rag.document.uploaded", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void documentProcessed(@ForAll long seed) {
        run("rag.document.processed", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void documentDeleted(@ForAll long seed) {
        run("rag.document.deleted", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void querySubmitted10(@ForAll long seed) {
        run("rag.query.submitted", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void querySubmitted11(@ForAll long seed) {
        run("rag.query.submitted", "1.1", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void queryCancelled(@ForAll long seed) {
        run("rag.query.cancelled", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void llmRequest(@ForAll long seed) {
        run("rag.llm.request", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void llmResponse(@ForAll long seed) {
        run("rag.llm.response", "1.0", seed);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE, generation = GenerationMode.RANDOMIZED)
    void llmResponseChunk(@ForAll long seed) {
        run("rag.llm.response.chunk", "1.0", seed);
    }
}
