package io.kafkautility.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Test helpers: the schema folder, a classpath-only networknt factory configured like the library's validator. */
final class Schemas {

    static final String ID_PREFIX = "https://kafkautility.io/schemas/";
    static final Pattern FILE = Pattern.compile("([a-z][a-z0-9]*(?:[.-][a-z0-9]+)*)\\.v([0-9]+)(?:\\.([0-9]+))?\\.schema\\.json");
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Schemas() {
    }

    /** A schema file name parsed: type name, major, minor. */
    record Version(String file, String name, int major, int minor) implements Comparable<Version> {
        static Version parse(String file) {
            Matcher m = FILE.matcher(file);
            if (!m.matches()) {
                throw new IllegalArgumentException(file + " is not named <type>.v<MAJOR>[.<MINOR>].schema.json");
            }
            return new Version(file, m.group(1), Integer.parseInt(m.group(2)), m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        }

        String version() {
            return major + "." + minor;
        }

        @Override
        public int compareTo(Version o) {
            int c = name.compareTo(o.name);
            c = c != 0 ? c : Integer.compare(major, o.major);
            return c != 0 ? c : Integer.compare(minor, o.minor);
        }
    }

    static Path resourceDir(String folder) {
        URL url = Schemas.class.getClassLoader().getResource(folder);
        if (url == null) {
            throw new IllegalStateException(folder + " not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path schemaDir() {
        return resourceDir("schemas");
    }

    static List<Version> schemaFiles() {
        try (Stream<Path> s = Files.list(schemaDir())) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".schema.json"))
                    .map(Version::parse).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path p) {
        try {
            return MAPPER.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode schema(String file) {
        Path p = schemaDir().resolve(file);
        return Files.exists(p) ? read(p) : null;
    }

    static JsonSchemaFactory factory() {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b
                .schemaMappers(m -> m.mapPrefix(ID_PREFIX, "classpath:schemas/"))
                .schemaLoaders(l -> l.add(new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))));
    }

    static SchemaValidatorsConfig config() {
        return SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).formatAssertionsEnabled(true)
                .locale(Locale.ENGLISH).build();
    }

    static JsonSchema compile(JsonSchemaFactory factory, String file) {
        JsonSchema schema = factory.getSchema(SchemaLocation.of(ID_PREFIX + file), config());
        schema.initializeValidators();
        return schema;
    }

    /** {@code pointer keyword} of every violation; a missing required property points at the property. */
    static Set<String> errors(Set<ValidationMessage> messages) {
        Set<String> out = new TreeSet<>();
        for (ValidationMessage m : messages) {
            String pointer = m.getInstanceLocation().toString();
            if ("required".equals(m.getType())) {
                pointer = pointer + "/" + m.getProperty();
            }
            out.add(pointer + " " + m.getType());
        }
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
