package io.kafkautility.message;

/**
 * Hard limits applied while parsing untrusted JSON, before any schema validation, through Jackson's
 * {@code StreamReadConstraints} plus a size check on the raw bytes. Input that exceeds any of them is rejected as
 * {@code LIMITS_EXCEEDED} without building it: a 10,000-deep array, a 30 MB string or a 100,000-digit number costs at
 * most the bytes already received, never a {@code StackOverflowError} or an unbounded allocation.
 *
 * <p>Immutable and thread-safe; built by {@link #builder()}, whose setters reject a bad value at the call.
 * Defaults: {@link #DEFAULT_MAX_DOCUMENT_BYTES}, {@link #DEFAULT_MAX_NESTING_DEPTH}, {@link #DEFAULT_MAX_STRING_LENGTH},
 * {@link #DEFAULT_MAX_NUMBER_LENGTH}, {@link #DEFAULT_MAX_NAME_LENGTH}, {@link #DEFAULT_MAX_TOKEN_COUNT}.
 */
public final class JsonLimits {

    /** Default maximum size of one message, in bytes: 4 MiB (Kafka's own default record limit is about 1 MB). */
    public static final int DEFAULT_MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
    /** Default maximum nesting depth of arrays and objects: 64. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 64;
    /** Default maximum length of one string value, in characters: 1 MiB. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 1024 * 1024;
    /** Default maximum length of one number, in characters: 100. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;
    /** Default maximum length of one property name, in UTF-8 bytes (what the parser counts): 256. */
    public static final int DEFAULT_MAX_NAME_LENGTH = 256;
    /** Default maximum number of JSON tokens in one message: 1,000,000. */
    public static final long DEFAULT_MAX_TOKEN_COUNT = 1_000_000L;

    private final int maxDocumentBytes;
    private final int maxNestingDepth;
    private final int maxStringLength;
    private final int maxNumberLength;
    private final int maxNameLength;
    private final long maxTokenCount;

    private JsonLimits(Builder b) {
        this.maxDocumentBytes = b.maxDocumentBytes;
        this.maxNestingDepth = b.maxNestingDepth;
        this.maxStringLength = b.maxStringLength;
        this.maxNumberLength = b.maxNumberLength;
        this.maxNameLength = b.maxNameLength;
        this.maxTokenCount = b.maxTokenCount;
    }

    /** @return the default limits */
    public static JsonLimits defaults() {
        return builder().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the maximum size of one message in bytes */
    public int maxDocumentBytes() {
        return maxDocumentBytes;
    }

    /** @return the maximum nesting depth */
    public int maxNestingDepth() {
        return maxNestingDepth;
    }

    /** @return the maximum length of a string value in characters */
    public int maxStringLength() {
        return maxStringLength;
    }

    /** @return the maximum length of a number in characters */
    public int maxNumberLength() {
        return maxNumberLength;
    }

    /** @return the maximum length of a property name in UTF-8 bytes (the reader counts bytes; so does the sender) */
    public int maxNameLength() {
        return maxNameLength;
    }

    /** @return the maximum number of tokens */
    public long maxTokenCount() {
        return maxTokenCount;
    }

    @Override
    public String toString() {
        return "JsonLimits{maxDocumentBytes=" + maxDocumentBytes + ", maxNestingDepth=" + maxNestingDepth
                + ", maxStringLength=" + maxStringLength + ", maxNumberLength=" + maxNumberLength
                + ", maxNameLength=" + maxNameLength + ", maxTokenCount=" + maxTokenCount + '}';
    }

    /** Builds {@link JsonLimits}; not thread-safe. Every setter throws {@link IllegalArgumentException} for a value out of range. */
    public static final class Builder {
        private int maxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
        private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
        private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
        private int maxNumberLength = DEFAULT_MAX_NUMBER_LENGTH;
        private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
        private long maxTokenCount = DEFAULT_MAX_TOKEN_COUNT;

        private Builder() {
        }

        /**
         * @param bytes maximum message size, {@code >= 64}
         * @return this builder
         */
        public Builder maxDocumentBytes(int bytes) {
            this.maxDocumentBytes = atLeast("maxDocumentBytes", bytes, 64);
            return this;
        }

        /**
         * @param depth maximum nesting depth, in [4, 1000] (the envelope itself uses 2 levels)
         * @return this builder
         */
        public Builder maxNestingDepth(int depth) {
            if (depth > 1000) {
                throw new IllegalArgumentException("maxNestingDepth must be <= 1000 but was " + depth);
            }
            this.maxNestingDepth = atLeast("maxNestingDepth", depth, 4);
            return this;
        }

        /**
         * @param length maximum string length in characters, {@code >= 64}
         * @return this builder
         */
        public Builder maxStringLength(int length) {
            this.maxStringLength = atLeast("maxStringLength", length, 64);
            return this;
        }

        /**
         * @param length maximum number length in characters, in [20, 10000]
         * @return this builder
         */
        public Builder maxNumberLength(int length) {
            if (length > 10_000) {
                throw new IllegalArgumentException("maxNumberLength must be <= 10000 but was " + length);
            }
            this.maxNumberLength = atLeast("maxNumberLength", length, 20);
            return this;
        }

        /**
         * @param length maximum property name length in UTF-8 bytes, {@code >= 32}
         * @return this builder
         */
        public Builder maxNameLength(int length) {
            this.maxNameLength = atLeast("maxNameLength", length, 32);
            return this;
        }

        /**
         * @param count maximum number of JSON tokens, {@code >= 100}
         * @return this builder
         */
        public Builder maxTokenCount(long count) {
            if (count < 100) {
                throw new IllegalArgumentException("maxTokenCount must be >= 100 but was " + count);
            }
            this.maxTokenCount = count;
            return this;
        }

        /** @return the limits */
        public JsonLimits build() {
            return new JsonLimits(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
            }
            return value;
        }
    }
}
