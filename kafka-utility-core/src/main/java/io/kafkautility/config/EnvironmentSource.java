package io.kafkautility.config;

import io.kafkautility.internal.config.DotEnvFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@link KafkaConnectionOptions} look up {@code KAFKA_*} variables that the builder did not set: the seam that keeps
 * tests independent of the real process environment.
 *
 * <p>Implementations must be thread-safe and side-effect free. {@link #standard()} is the process environment, then a
 * {@code .env} file in the working directory (the first source that has a variable wins).
 */
@FunctionalInterface
public interface EnvironmentSource {

    /** The value of {@code name}, or empty if this source does not define it. A blank value counts as undefined. */
    Optional<String> get(String name);

    /** A source that defines nothing. */
    static EnvironmentSource none() {
        return name -> Optional.empty();
    }

    /** A source backed by a copy of {@code variables} (for tests). */
    static EnvironmentSource of(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        return name -> Optional.ofNullable(copy.get(name)).filter(v -> !v.isBlank());
    }

    /** The process environment ({@link System#getenv(String)}). */
    static EnvironmentSource system() {
        return name -> Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }

    /**
     * The variables of a {@code .env} file ({@code KEY=VALUE} lines, {@code #} comments, optional {@code export } prefix
     * and quotes), read once now. A missing file defines nothing.
     *
     * @throws ConfigurationException if the file exists but cannot be read or has malformed lines (all of them listed)
     */
    static EnvironmentSource dotEnv(Path file) {
        return of(DotEnvFile.read(file));
    }

    /** The first source defining a variable wins. */
    static EnvironmentSource firstOf(EnvironmentSource... sources) {
        List<EnvironmentSource> list = List.copyOf(Arrays.asList(sources));
        return name -> {
            for (EnvironmentSource s : list) {
                Optional<String> v = s.get(name);
                if (v.isPresent()) {
                    return v;
                }
            }
            return Optional.empty();
        };
    }

    /** The process environment, then {@code ./.env} (relative to the working directory). */
    static EnvironmentSource standard() {
        return firstOf(system(), dotEnv(Path.of(".env")));
    }
}
