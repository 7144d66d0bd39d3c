package io.kafkautility.message;

import io.kafkautility.internal.message.CatalogLoader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The message types a service knows: for each type name, its topic, key field, owner and known schema versions.
 *
 * <p>{@link #standard()} loads the RAG system's catalog shipped in {@code kafka-utility-schemas}
 * ({@code schemas/catalog.json} on the classpath); {@link #builder()} builds a custom one (e.g. the standard catalog
 * plus a service's own types, whose schema files must then be on the classpath under {@code schemas/}).
 *
 * <p>Immutable and thread-safe. Each call of {@link #standard()} reads the classpath again and returns a new
 * instance: build one and share it (there is no static singleton).
 */
public final class MessageCatalog {

    /** The classpath resource {@link #standard()} reads. */
    public static final String STANDARD_CATALOG_RESOURCE = "schemas/catalog.json";

    private final Map<String, MessageDefinition> definitions;

    private MessageCatalog(Map<String, MessageDefinition> definitions) {
        this.definitions = Collections.unmodifiableMap(new LinkedHashMap<>(definitions));
    }

    /**
     * Loads the standard catalog from {@value #STANDARD_CATALOG_RESOURCE}.
     *
     * @return the catalog
     * @throws IllegalStateException if the resource is missing or malformed (a packaging error)
     */
    public static MessageCatalog standard() {
        return builder().addAll(CatalogLoader.load(MessageCatalog.class.getClassLoader(), STANDARD_CATALOG_RESOURCE)).build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param name a type name
     * @return its definition, or empty if unknown
     */
    public Optional<MessageDefinition> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(definitions.get(name));
    }

    /**
     * @param name a type name
     * @return its definition
     * @throws IllegalArgumentException if the type is unknown
     */
    public MessageDefinition get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown message type '"
                + (name == null ? null : MessageType.abbreviate(name)) + "'; known: " + definitions.keySet()));
    }

    /** @return every definition, in insertion order, unmodifiable */
    public Collection<MessageDefinition> definitions() {
        return definitions.values();
    }

    /** @return every known version of every type, unmodifiable */
    public List<MessageType> allVersions() {
        List<MessageType> all = new ArrayList<>();
        definitions.values().forEach(d -> all.addAll(d.versions()));
        return Collections.unmodifiableList(all);
    }

    /**
     * @param version a type version
     * @return whether exactly this version is known
     */
    public boolean knows(MessageType version) {
        return version != null && find(version.name()).map(d -> d.knows(version)).orElse(false);
    }

    /** @return a builder holding this catalog's definitions, to extend it */
    public Builder toBuilder() {
        return builder().addAll(definitions.values());
    }

    @Override
    public String toString() {
        return "MessageCatalog" + definitions.keySet();
    }

    /** Builds a {@link MessageCatalog}; not thread-safe. */
    public static final class Builder {
        private final Map<String, MessageDefinition> definitions = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param definition a definition
         * @return this builder
         * @throws IllegalArgumentException if a definition with that name was already added
         */
        public Builder add(MessageDefinition definition) {
            Objects.requireNonNull(definition, "definition");
            if (definitions.putIfAbsent(definition.name(), definition) != null) {
                throw new IllegalArgumentException("message type " + definition.name() + " is already defined");
            }
            return this;
        }

        /**
         * @param all definitions
         * @return this builder
         * @throws IllegalArgumentException as {@link #add(MessageDefinition)}
         */
        public Builder addAll(Collection<MessageDefinition> all) {
            all.forEach(this::add);
            return this;
        }

        /** @return the catalog */
        public MessageCatalog build() {
            return new MessageCatalog(definitions);
        }
    }
}
