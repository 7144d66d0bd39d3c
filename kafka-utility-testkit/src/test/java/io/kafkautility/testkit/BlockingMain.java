package io.kafkautility.testkit;

/** Child-JVM main for {@link JvmProcessTest}: prints "ready", then exits with args[0] or blocks on stdin. */
public final class BlockingMain {
    private BlockingMain() {
    }

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
        System.out.println("ready " + String.join(",", args));
        System.out.flush();
        if (args.length > 0) {
            System.exit(Integer.parseInt(args[0]));
        }
        while (System.in.read() >= 0) {
            // block until stdin closes or a signal ends the JVM
        }
    }
}
