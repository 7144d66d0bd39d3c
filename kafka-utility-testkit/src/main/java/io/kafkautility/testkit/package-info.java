/**
 * Real Kafka brokers for tests: {@link io.kafkautility.testkit.KafkaCluster} (the common view),
 * {@link io.kafkautility.testkit.EmbeddedKafkaCluster} (in-JVM KRaft, 1..N brokers, broker shutdown/restart),
 * {@link io.kafkautility.testkit.KafkaBrokerProcess} (a broker in a child JVM that can be killed, paused and
 * restarted by PID) and external clusters ({@code KAFKA_BOOTSTRAP_SERVERS}). The JUnit 5 extension lives in
 * {@code io.kafkautility.testkit.junit}; the fault harness (ledger, checker, TCP fault proxy) in
 * {@code io.kafkautility.testkit.fault}.
 */
package io.kafkautility.testkit;
