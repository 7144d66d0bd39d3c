/**
 * Fault-injection harness: {@link io.kafkautility.testkit.fault.ReliabilityLedger} (both sides of a test, by message
 * id) and its {@link io.kafkautility.testkit.fault.ReliabilityReport} (lost, unexpected, duplicates, the RELIABILITY
 * line), {@link io.kafkautility.testkit.fault.ContinuousSender} (load that never re-sends),
 * {@link io.kafkautility.testkit.fault.LogDrainer} (read a topic to its end without a group) and
 * {@link io.kafkautility.testkit.fault.TcpFaultProxy} (blackhole, reset, refuse, latency, bandwidth, cut responses).
 */
package io.kafkautility.testkit.fault;
