package io.kafkautility.internal.loop;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetTrackerTest {

    @Test
    void commitsOnlyBelowTheOldestUnfinishedOffset() {
        OffsetTracker t = new OffsetTracker();
        assertThat(t.committable()).isEqualTo(-1);
        t.begin(10);
        t.begin(11);
        t.begin(12);
        assertThat(t.committable()).isEqualTo(10);
        t.finish(12);
        t.finish(11);
        assertThat(t.committable()).as("10 still open").isEqualTo(10);
        t.finish(10);
        assertThat(t.committable()).isEqualTo(13);
        assertThat(t.openCount()).isZero();
    }

    @Test
    void reportsOnlyNewCommittableOffsets() {
        OffsetTracker t = new OffsetTracker();
        t.begin(0);
        assertThat(t.newCommittable()).isEqualTo(0);
        t.markCommitted(0);
        assertThat(t.newCommittable()).isEqualTo(-1);
        t.finish(0);
        assertThat(t.newCommittable()).isEqualTo(1);
        t.markCommitted(1);
        assertThat(t.newCommittable()).isEqualTo(-1);
    }

    @Test
    void offersTheOffsetAgainAfterAFailedCommit() {
        OffsetTracker t = new OffsetTracker();
        t.begin(0);
        t.finish(0);
        t.markCommitted(1);
        assertThat(t.newCommittable()).isEqualTo(-1);
        t.forgetCommitted();
        assertThat(t.newCommittable()).as("the failed commit's offset, offered again").isEqualTo(1);
    }

    @Test
    void ignoresUnknownAndRepeatedFinishes() {
        OffsetTracker t = new OffsetTracker();
        t.begin(5);
        t.finish(4);
        t.finish(99);
        assertThat(t.committable()).isEqualTo(5);
        t.finish(5);
        t.finish(5);
        assertThat(t.committable()).isEqualTo(6);
    }

    @Test
    void offsetsMustIncrease() {
        OffsetTracker t = new OffsetTracker();
        t.begin(3);
        assertThatThrownBy(() -> t.begin(3)).isInstanceOf(IllegalArgumentException.class);
    }
}
