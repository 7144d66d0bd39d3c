package io.kafkautility.message;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One exact version of one message type: a type name such as {@code rag.document.processed} plus a schema version
 * {@code MAJOR.MINOR}.
 *
 * <p><b>Versioning rules</b> (documented in {@code kafka-utility-schemas/README.md}):
 * <ul>
 *   <li>The CloudEvents {@code type} attribute carries only the name ({@code rag.document.processed}); the version is
 *       carried by {@code dataschema}, which is the {@code $id} of the exact schema version, e.g.
 *       {@code https://kafkautility.io/schemas/rag.document.processed.v1.schema.json} for 1.0 and
 *       {@code https://kafkautility.io/schemas/rag.document.processed.v1.1.schema.json} for 1.1.</li>
 *   <li>The schema file name is the last path segment of the {@code $id}: {@code <type>.v<MAJOR>[.<MINOR>].schema.json}
 *       (a minor of 0 is not written), found on the classpath under {@code schemas/}.</li>
 *   <li>A new <em>minor</em> is backward compatible with the previous minor of the same major (checked in the build);
 *       a reader that knows 1.1 reads 1.0 and 1.1 exactly, and reads a 1.2 it has never seen against 1.1, tolerating
 *       properties it does not know. A new <em>major</em> is a breaking change; a reader that does not know the major
 *       rejects the event as {@code UNSUPPORTED_VERSION}.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. Instances are compared by name, major and minor.
 */
public final class MessageType implements Comparable<MessageType> {

    /** The common prefix of every kafka-utility schema {@code $id}; it is an identifier, never fetched. */
    public static final String SCHEMA_ID_PREFIX = "https://kafkautility.io/schemas/";

    /** The classpath folder holding the schema files. */
    public static final String SCHEMA_RESOURCE_FOLDER = "schemas/";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*");
    private static final Pattern FILE = Pattern.compile(
            "([a-z][a-z0-9]*(?:[.-][a-z0-9]+)*)\\.v([0-9]{1,4})(?:\\.([0-9]{1,4}))?\\.schema\\.json");

    private final String name;
    private final int major;
    private final int minor;
    private final String schemaFileName;
    private final String schemaId;
    private final int hash; // types are map keys on every send and record: computed once, without boxing

    private MessageType(String name, int major, int minor) {
        this.name = name;
        this.major = major;
        this.minor = minor;
        this.schemaFileName = name + ".v" + major + (minor == 0 ? "" : "." + minor) + ".schema.json";
        this.schemaId = SCHEMA_ID_PREFIX + schemaFileName;
        this.hash = (name.hashCode() * 31 + major) * 31 + minor;
    }

    /**
     * A message type version.
     *
     * @param name  lowercase dotted type name, e.g. {@code rag.document.processed}
     * @param major major version, {@code >= 1}
     * @param minor minor version, {@code >= 0}
     * @return the type
     * @throws IllegalArgumentException if the name is not a lowercase dotted name or a version is out of range
     */
    public static MessageType of(String name, int major, int minor) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.length() > 200) {
            throw new IllegalArgumentException("message type name must be lowercase dotted words (e.g. rag.document.processed) but was '"
                    + abbreviate(name) + "'");
        }
        if (major < 1 || major > 9999) {
            throw new IllegalArgumentException("major version must be in [1, 9999] but was " + major);
        }
        if (minor < 0 || minor > 9999) {
            throw new IllegalArgumentException("minor version must be in [0, 9999] but was " + minor);
        }
        return new MessageType(name, major, minor);
    }

    /**
     * Version {@code major.0} of a type.
     *
     * @param name  lowercase dotted type name
     * @param major major version, {@code >= 1}
     * @return the type
     * @throws IllegalArgumentException as {@link #of(String, int, int)}
     */
    public static MessageType of(String name, int major) {
        return of(name, major, 0);
    }

    /**
     * Parses a schema {@code $id} (the CloudEvents {@code dataschema}) of the form
     * {@code https://kafkautility.io/schemas/<type>.v<MAJOR>[.<MINOR>].schema.json}.
     *
     * @param schemaId the id; may be {@code null}
     * @return the type, or empty if the id is null or not of that form
     */
    public static Optional<MessageType> fromSchemaId(String schemaId) {
        if (schemaId == null || !schemaId.startsWith(SCHEMA_ID_PREFIX)) {
            return Optional.empty();
        }
        return fromFileName(schemaId.substring(SCHEMA_ID_PREFIX.length()));
    }

    /**
     * Parses a schema file name of the form {@code <type>.v<MAJOR>[.<MINOR>].schema.json}.
     *
     * @param fileName the file name (no folder); may be {@code null}
     * @return the type, or empty if the name is not of that form
     */
    public static Optional<MessageType> fromFileName(String fileName) {
        if (fileName == null || fileName.length() > 260) {
            return Optional.empty();
        }
        Matcher m = FILE.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        int major = Integer.parseInt(m.group(2));
        int minor = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (major < 1) {
            return Optional.empty();
        }
        return Optional.of(new MessageType(m.group(1), major, minor));
    }

    /** @return the type name, the CloudEvents {@code type} attribute, e.g. {@code rag.document.processed} */
    public String name() {
        return name;
    }

    /** @return the major version, {@code >= 1} */
    public int major() {
        return major;
    }

    /** @return the minor version, {@code >= 0} */
    public int minor() {
        return minor;
    }

    /** @return the version as {@code MAJOR.MINOR}, e.g. {@code 1.0} */
    public String version() {
        return major + "." + minor;
    }

    /** @return the schema file name, {@code <type>.v<MAJOR>[.<MINOR>].schema.json} */
    public String schemaFileName() {
        return schemaFileName;
    }

    /** @return the schema {@code $id}, used as the CloudEvents {@code dataschema} */
    public String schemaId() {
        return schemaId;
    }

    /** @return the classpath resource of the schema, e.g. {@code schemas/rag.document.processed.v1.schema.json} */
    public String schemaResource() {
        return SCHEMA_RESOURCE_FOLDER + schemaFileName();
    }

    /**
     * @param other another type version
     * @return whether both have the same name and major version
     */
    public boolean sameMajorAs(MessageType other) {
        return name.equals(other.name) && major == other.major;
    }

    @Override
    public int compareTo(MessageType o) {
        int c = name.compareTo(o.name);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(major, o.major);
        return c != 0 ? c : Integer.compare(minor, o.minor);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MessageType)) {
            return false;
        }
        MessageType that = (MessageType) o;
        return major == that.major && minor == that.minor && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** @return e.g. {@code rag.document.processed v1.0} */
    @Override
    public String toString() {
        return name + " v" + version();
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
