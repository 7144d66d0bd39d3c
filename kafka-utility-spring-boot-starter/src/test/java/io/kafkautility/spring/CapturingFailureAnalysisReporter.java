package io.kafkautility.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * Receives what Spring Boot reports when an application fails to start (beside Boot's own logging reporter), so a
 * test can see which analysis Boot chose for the failure: registered in the test class path's spring.factories.
 */
public class CapturingFailureAnalysisReporter implements FailureAnalysisReporter {

    static final List<FailureAnalysis> REPORTED = new CopyOnWriteArrayList<>();

    @Override
    public void report(FailureAnalysis analysis) {
        REPORTED.add(analysis);
    }
}
