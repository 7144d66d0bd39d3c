package io.kafkautility.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class ReliabilityLedgerTest {

    @Test
    void cleanRunPasses() {
        ReliabilityLedger ledger = ReliabilityLedger.create("clean");
        for (int i = 0; i < 100; i++) {
            String id = ledger.nextId();
            ledger.sent(id);
            ledger.acked(id);
            ledger.consumed(id);
        }
        ReliabilityReport r = ledger.check().assertNothingLost().assertNoDuplicates();
        assertThat(r.line()).startsWith("RELIABILITY clean produced=100 acked=100 ambiguous=0 consumed=100 lost=0 "
                + "duplicates=0 outage_ms=-1 recovery_ms=-1");
    }

    @Test
    void flagsAckedButNeverConsumedAsLost() {
        ReliabilityLedger ledger = ReliabilityLedger.create("lossControl");
        ledger.sent("a");
        ledger.acked("a");
        ledger.sent("b");
        ledger.acked("b");
        ledger.consumed("a");
        ReliabilityReport r = ledger.check();
        assertThat(r.lost()).isEqualTo(1);
        assertThat(ledger.ackedNotConsumed()).isEqualTo(1);
        assertThatThrownBy(r::assertNothingLost).isInstanceOf(AssertionError.class)
                .hasMessageContaining("lost=1");
    }

    @Test
    void flagsUnexpectedDeliveriesAndFailedThatShowUp() {
        ReliabilityLedger ledger = ReliabilityLedger.create("unexpected");
        ledger.consumed("never-sent");
        ledger.sent("f");
        ledger.failed("f");
        ledger.consumed("f");
        ReliabilityReport r = ledger.check();
        assertThat(r.unexpected()).isEqualTo(2);
        assertThatThrownBy(r::assertNothingLost).hasMessageContaining("unexpected=2");
    }

    @Test
    void countsDuplicatesAndToleratesAmbiguousEitherWay() {
        ReliabilityLedger ledger = ReliabilityLedger.create("dups");
        ledger.sent("x");
        ledger.acked("x");
        ledger.consumed("x");
        ledger.consumed("x");
        ledger.consumed("x");
        ledger.sent("amb-delivered");
        ledger.ambiguous("amb-delivered");
        ledger.consumed("amb-delivered");
        ledger.sent("amb-missing");
        ledger.ambiguous("amb-missing");
        ReliabilityReport r = ledger.check().assertNothingLost();
        assertThat(r.duplicates()).isEqualTo(2);
        assertThat(r.consumed()).isEqualTo(4);
        assertThat(r.distinctConsumed()).isEqualTo(2);
        assertThat(r.ambiguous()).isEqualTo(2);
        assertThatThrownBy(r::assertNoDuplicates).hasMessageContaining("duplicates=2");
    }

    @Test
    void classifiesSendErrorsConservatively() {
        ReliabilityLedger ledger = ReliabilityLedger.create("classify");
        for (String id : new String[] {"ok", "timeout", "ner", "big", "acl", "wrapped"}) {
            ledger.sent(id);
        }
        ledger.sendCompleted("ok", null);
        ledger.sendCompleted("timeout", new TimeoutException("expired"));
        ledger.sendCompleted("ner", new NotEnoughReplicasException("x"));
        ledger.sendCompleted("big", new RecordTooLargeException("x"));
        ledger.sendCompleted("acl", new TopicAuthorizationException("x"));
        ledger.sendCompleted("wrapped", new ExecutionException(new RecordTooLargeException("x")));
        assertThat(ledger.outcome("ok")).isEqualTo(ReliabilityLedger.SendOutcome.ACKED);
        assertThat(ledger.outcome("timeout")).isEqualTo(ReliabilityLedger.SendOutcome.AMBIGUOUS);
        assertThat(ledger.outcome("ner")).isEqualTo(ReliabilityLedger.SendOutcome.AMBIGUOUS);
        assertThat(ledger.outcome("big")).isEqualTo(ReliabilityLedger.SendOutcome.FAILED);
        assertThat(ledger.outcome("acl")).isEqualTo(ReliabilityLedger.SendOutcome.FAILED);
        assertThat(ledger.outcome("wrapped")).isEqualTo(ReliabilityLedger.SendOutcome.FAILED);
        assertThat(ledger.outcome("unknown")).isNull();
    }

    @Test
    void rejectsReusedIdsAndBadNames() {
        ReliabilityLedger ledger = ReliabilityLedger.create("ids");
        ledger.sent("a");
        assertThatThrownBy(() -> ledger.sent("a")).hasMessage("id a was already sent; ids must be unique");
        assertThatThrownBy(() -> ReliabilityLedger.create("has space"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void measuresOutageAndRecoveryWithTheClockSeam() {
        AtomicLong now = new AtomicLong(0);
        ReliabilityLedger ledger = ReliabilityLedger.create("timing", now::get);
        ledger.sent("before");
        ledger.acked("before");
        now.set(1_000_000_000L);
        ledger.outageStarted();
        now.set(4_000_000_000L);
        ledger.outageEnded();
        now.set(4_250_000_000L);
        ledger.sent("after");
        ledger.acked("after");
        now.set(9_000_000_000L);
        ledger.sent("later");
        ledger.acked("later");
        ReliabilityReport r = ledger.check();
        assertThat(r.outageMs()).isEqualTo(3_000);
        assertThat(r.recoveryMs()).isEqualTo(250);
    }

    @Test
    void continuousSenderNeverExceedsInFlightAndRecordsEveryOutcome() throws Exception {
        ReliabilityLedger ledger = ReliabilityLedger.create("sender");
        java.util.concurrent.ConcurrentLinkedQueue<CompletableFuture<Void>> open =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        ContinuousSender sender = ContinuousSender.start(ledger, 10, 25, id -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            open.add(f);
            return f;
        });
        org.awaitility.Awaitility.await().until(sender::isSaturated);
        assertThat(sender.attempted()).isEqualTo(10);
        int completedRounds = 0;
        while (sender.completed() < 25) {
            CompletableFuture<Void> f = open.poll();
            if (f == null) {
                continue;
            }
            if (completedRounds++ % 5 == 0) {
                f.completeExceptionally(new TimeoutException("t"));
            } else {
                f.complete(null);
            }
        }
        assertThat(sender.awaitDone(java.time.Duration.ofSeconds(10))).isTrue();
        ReliabilityReport r = ledger.check();
        assertThat(r.produced()).isEqualTo(25);
        assertThat(r.acked() + r.ambiguous()).isEqualTo(25);
        assertThat(r.ambiguous()).isEqualTo(5);
        assertThat(r.lost()).isEqualTo(20); // nothing consumed: the checker must flag it
    }
}
