package io.kafkautility.testkit.junit;

import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One standalone broker process for a test class, for tests that kill, pause or restart it: started before the first
 * test, brought back to running before each test (whatever the previous one left it as), closed after the last.
 * Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BrokerProcessExtension broker = BrokerProcessExtension.of(BrokerProcessOptions.defaults());
 * ...
 * broker.process().kill();
 * }</pre>
 *
 * <p>Thread-safe for reading {@link #process()} once started. Not meant for parallel test classes sharing it.
 */
public final class BrokerProcessExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final BrokerProcessOptions options;
    private volatile KafkaBrokerProcess process;

    private BrokerProcessExtension(BrokerProcessOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** An extension that starts a broker process with these options. */
    public static BrokerProcessExtension of(BrokerProcessOptions options) {
        return new BrokerProcessExtension(options);
    }

    /** The broker process (started). */
    public KafkaBrokerProcess process() {
        KafkaBrokerProcess p = process;
        if (p == null) {
            throw new IllegalStateException("the broker process is started before the first test of its class");
        }
        return p;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        process = KafkaBrokerProcess.startNew(options);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        process().ensureRunning();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        KafkaBrokerProcess p = process;
        process = null;
        if (p != null) {
            p.close();
        }
    }
}
