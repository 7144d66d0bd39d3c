package io.kafkautility.interop;

import io.kafkautility.testkit.registry.ApicurioRegistryProcess;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The Confluent-compatible registry the interop tests write through: Apicurio Registry (a real one, started as a
 * child process) when the build unpacked it and a Java 21+ is there (this project's machines and CI), else the
 * testkit's in-JVM registry; {@link #toString()} says which, and the tests print it.
 */
final class Registry implements AutoCloseable {
    private final ApicurioRegistryProcess apicurio;
    private final SchemaRegistryServer stub;

    private Registry(ApicurioRegistryProcess apicurio, SchemaRegistryServer stub) {
        this.apicurio = apicurio;
        this.stub = stub;
    }

    static Registry start(String name) {
        String home = System.getProperty("apicurio.home");
        Optional<Path> java = ApicurioRegistryProcess.findJava21();
        if (home != null && Files.isDirectory(Path.of(home)) && java.isPresent()) {
            return new Registry(ApicurioRegistryProcess.start(Path.of(home), java.get(),
                    Path.of("target", name + "-apicurio.log"), Duration.ofSeconds(90)), null);
        }
        System.err.println("NOTE " + name + ": Apicurio not unpacked or no Java 21+; using the in-JVM registry");
        return new Registry(null, SchemaRegistryServer.start());
    }

    /** The Confluent-compatible base URL. */
    String url() {
        return apicurio != null ? apicurio.ccompatUrl() : stub.url();
    }

    @Override
    public void close() {
        if (apicurio != null) {
            apicurio.close();
        } else {
            stub.close();
        }
    }

    @Override
    public String toString() {
        return apicurio != null ? "Apicurio Registry at " + url() : "in-JVM registry at " + url();
    }
}
