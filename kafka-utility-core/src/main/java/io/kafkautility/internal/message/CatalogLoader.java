package io.kafkautility.internal.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.message.MessageDefinition;
import io.kafkautility.message.MessageType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads a catalog file: {@code {"types":[{"type","topic","key","owner","description","versions":["1.0",..]}]}}. */
public final class CatalogLoader {

    private CatalogLoader() {
    }

    public static List<MessageDefinition> load(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("message catalog " + resource
                        + " not found on the classpath (is kafka-utility-schemas a dependency?)");
            }
            return parse(new ObjectMapper().readTree(in), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read message catalog " + resource, e);
        }
    }

    static List<MessageDefinition> parse(JsonNode root, String resource) {
        JsonNode types = root.path("types");
        if (!types.isArray()) {
            throw new IllegalStateException(resource + ": 'types' must be an array");
        }
        List<MessageDefinition> out = new ArrayList<>();
        for (JsonNode t : types) {
            String name = text(t, "type", resource);
            List<MessageType> versions = new ArrayList<>();
            for (JsonNode v : t.path("versions")) {
                String[] parts = v.asText().split("\\.", -1);
                if (parts.length != 2) {
                    throw new IllegalStateException(resource + ": version of " + name + " must be MAJOR.MINOR but was " + v);
                }
                versions.add(MessageType.of(name, Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
            }
            out.add(MessageDefinition.of(name, text(t, "topic", resource), text(t, "key", resource),
                    text(t, "owner", resource), t.path("description").asText(""), versions));
        }
        return out;
    }

    private static String text(JsonNode node, String field, String resource) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalStateException(resource + ": every type needs a string '" + field + "'");
        }
        return v.asText();
    }
}
