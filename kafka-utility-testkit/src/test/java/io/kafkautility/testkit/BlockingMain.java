package io.kafkautility.testkit;

/** Child-JVM main for {@link JvmProcessTest}: prints "ready", then exits with args[0] or blocks until signalled. */
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
        Thread.currentThread().join(); // block until a signal ends the JVM (stdin may be closed by destroy())
    }
}
