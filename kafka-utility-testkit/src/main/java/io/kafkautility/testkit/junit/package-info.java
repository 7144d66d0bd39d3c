/**
 * JUnit 5 integration: annotate a test class with {@link io.kafkautility.testkit.junit.KafkaTest} and declare a
 * {@link io.kafkautility.testkit.KafkaCluster} parameter.
 */
package io.kafkautility.testkit.junit;
