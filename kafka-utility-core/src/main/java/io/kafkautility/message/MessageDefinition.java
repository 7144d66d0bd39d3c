package io.kafkautility.message;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the catalog knows about one message type: its name, the topic it is published on, which data field is the
 * Kafka record key, the owner service, and every schema version the reader knows.
 *
 * <p>Immutable and thread-safe. Created by {@link #of} or loaded by {@link MessageCatalog#standard()}.
 */
public final class MessageDefinition {

    private final String name;
    private final String topic;
    private final String keyField;
    private final String owner;
    private final String description;
    private final List<MessageType> versions;

    private MessageDefinition(String name, String topic, String keyField, String owner, String description,
                              List<MessageType> versions) {
        this.name = name;
        this.topic = topic;
        this.keyField = keyField;
        this.owner = owner;
        this.description = description;
        this.versions = versions;
    }

    /**
     * @param name        type name, e.g. {@code rag.document.processed}
     * @param topic       default topic, e.g. {@code rag.documents}
     * @param keyField    name of the top-level data property used as the record key, e.g. {@code documentId}
     * @param owner       owner (producing) service, e.g. {@code document-service}
     * @param description one line, may be empty
     * @param versions    every known version, at least one; all must have {@code name}; copied and sorted
     * @return the definition
     * @throws IllegalArgumentException if a value is blank, {@code versions} is empty, has duplicates or another name
     */
    public static MessageDefinition of(String name, String topic, String keyField, String owner, String description,
                                       Collection<MessageType> versions) {
        requireText("name", name);
        requireText("topic", topic);
        requireText("keyField", keyField);
        requireText("owner", owner);
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(versions, "versions");
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("versions of " + name + " must not be empty");
        }
        List<MessageType> sorted = new ArrayList<>(versions);
        Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i++) {
            MessageType v = Objects.requireNonNull(sorted.get(i), "version");
            if (!v.name().equals(name)) {
                throw new IllegalArgumentException("version " + v + " does not belong to type " + name);
            }
            if (i > 0 && v.equals(sorted.get(i - 1))) {
                throw new IllegalArgumentException("duplicate version " + v);
            }
        }
        return new MessageDefinition(name, topic, keyField, owner, description, List.copyOf(sorted));
    }

    /** @return the type name */
    public String name() {
        return name;
    }

    /** @return the default topic */
    public String topic() {
        return topic;
    }

    /** @return the top-level data property used as the record key */
    public String keyField() {
        return keyField;
    }

    /** @return the owner (producing) service */
    public String owner() {
        return owner;
    }

    /** @return a one-line description */
    public String description() {
        return description;
    }

    /** @return every known version, oldest first, unmodifiable */
    public List<MessageType> versions() {
        return versions;
    }

    /** @return the newest known version (what producers write by default) */
    public MessageType latest() {
        return versions.get(versions.size() - 1);
    }

    /**
     * @param major a major version
     * @return the newest known minor of that major, or empty if the major is unknown
     */
    public Optional<MessageType> latest(int major) {
        MessageType found = null;
        for (MessageType v : versions) {
            if (v.major() == major) {
                found = v;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * @param version a version
     * @return whether exactly that version is known
     */
    public boolean knows(MessageType version) {
        return versions.contains(version);
    }

    /**
     * The record key of a payload of this type.
     *
     * @param data the payload
     * @return the text of the {@link #keyField()} property, or empty if it is absent or not a scalar
     */
    public Optional<String> keyOf(JsonNode data) {
        if (data == null) {
            return Optional.empty();
        }
        JsonNode k = data.get(keyField);
        return k != null && k.isValueNode() && !k.isNull() ? Optional.of(k.asText()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "MessageDefinition{" + name + ", topic=" + topic + ", key=" + keyField + ", owner=" + owner
                + ", versions=" + versions.stream().map(MessageType::version).toList() + '}';
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MessageDefinition)) {
            return false;
        }
        MessageDefinition d = (MessageDefinition) o;
        return name.equals(d.name) && topic.equals(d.topic) && keyField.equals(d.keyField) && owner.equals(d.owner)
                && description.equals(d.description) && versions.equals(d.versions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, topic, keyField, owner, versions);
    }

    private static void requireText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
