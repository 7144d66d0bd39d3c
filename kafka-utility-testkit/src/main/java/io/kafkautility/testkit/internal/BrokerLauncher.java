package io.kafkautility.testkit.internal;

import java.io.PrintStream;

/**
 * Main class of a {@link io.kafkautility.testkit.KafkaBrokerProcess} child JVM: formats the KRaft storage (a no-op when
 * it is already formatted, so restarts keep their data), then runs {@code kafka.Kafka} in the same JVM. Saves a second
 * JVM start per broker start. Arguments: {@code <server.properties> <cluster-id>}.
 */
public final class BrokerLauncher {
    private BrokerLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerLauncher <server.properties> <cluster-id>");
            System.exit(2);
        }
        PrintStream out = System.out;
        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "--config", args[0], "--cluster-id", args[1], "--ignore-formatted"}, out);
        if (rc != 0) {
            System.err.println("kafka storage format failed with exit code " + rc);
            System.exit(rc);
        }
        kafka.Kafka.main(new String[] {args[0]});
    }
}
