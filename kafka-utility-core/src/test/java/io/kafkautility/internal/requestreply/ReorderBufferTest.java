package io.kafkautility.internal.requestreply;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.kafkautility.internal.requestreply.ReorderBuffer.Result.ACCEPTED;
import static io.kafkautility.internal.requestreply.ReorderBuffer.Result.DUPLICATE;
import static io.kafkautility.internal.requestreply.ReorderBuffer.Result.OVERFLOW;
import static org.assertj.core.api.Assertions.assertThat;

class ReorderBufferTest {

    private final List<String> out = new ArrayList<>();

    @Test
    void inOrderPassesStraightThrough() {
        ReorderBuffer<String> b = new ReorderBuffer<>(4);
        assertThat(b.offer(0, "a", false, out::add)).isEqualTo(ACCEPTED);
        assertThat(b.offer(1, "b", false, out::add)).isEqualTo(ACCEPTED);
        assertThat(b.isComplete()).isFalse();
        assertThat(b.offer(2, "c", true, out::add)).isEqualTo(ACCEPTED);
        assertThat(out).containsExactly("a", "b", "c");
        assertThat(b.isComplete()).isTrue();
    }

    @Test
    void outOfOrderIsHeldUntilTheGapFills() {
        ReorderBuffer<String> b = new ReorderBuffer<>(4);
        b.offer(2, "c", true, out::add);
        b.offer(1, "b", false, out::add);
        assertThat(out).isEmpty();
        assertThat(b.heldAhead()).isEqualTo(2);
        assertThat(b.isComplete()).isFalse();
        b.offer(0, "a", false, out::add);
        assertThat(out).containsExactly("a", "b", "c");
        assertThat(b.isComplete()).isTrue();
        assertThat(b.heldAhead()).isZero();
    }

    @Test
    void duplicatesAreDroppedWhetherDeliveredOrHeld() {
        ReorderBuffer<String> b = new ReorderBuffer<>(4);
        b.offer(0, "a", false, out::add);
        assertThat(b.offer(0, "a", false, out::add)).isEqualTo(DUPLICATE);
        b.offer(2, "c", false, out::add);
        assertThat(b.offer(2, "c", false, out::add)).isEqualTo(DUPLICATE);
        b.offer(1, "b", false, out::add);
        b.offer(3, "d", true, out::add);
        assertThat(b.offer(3, "d", true, out::add)).isEqualTo(DUPLICATE);
        assertThat(b.offer(4, "e", false, out::add)).as("beyond the final chunk").isEqualTo(DUPLICATE);
        assertThat(out).containsExactly("a", "b", "c", "d");
    }

    @Test
    void finalEndMarkerWithoutPayloadCompletesWithoutEmitting() {
        ReorderBuffer<String> b = new ReorderBuffer<>(4);
        b.offer(1, null, true, out::add);
        b.offer(0, "a", false, out::add);
        assertThat(out).containsExactly("a");
        assertThat(b.isComplete()).isTrue();
    }

    @Test
    void finalBelowAHeldChunkIsRejected() {
        ReorderBuffer<String> b = new ReorderBuffer<>(4);
        b.offer(3, "d", false, out::add);
        assertThat(b.offer(2, "c", true, out::add)).isEqualTo(DUPLICATE);
    }

    @Test
    void tooManyHeldAheadOverflows() {
        ReorderBuffer<String> b = new ReorderBuffer<>(2);
        b.offer(1, "b", false, out::add);
        b.offer(2, "c", false, out::add);
        assertThat(b.offer(3, "d", false, out::add)).isEqualTo(OVERFLOW);
        assertThat(b.offer(0, "a", false, out::add)).as("filling the gap is always possible").isEqualTo(ACCEPTED);
        assertThat(out).containsExactly("a", "b", "c");
    }

    @Test
    void shuffledWithDuplicatesComesOutInOrder() {
        int n = 500;
        List<Integer> seqs = IntStream.range(0, n).boxed().collect(Collectors.toList());
        seqs.addAll(IntStream.range(0, n).filter(i -> i % 7 == 0).boxed().toList());
        Collections.shuffle(seqs, new Random(42));
        ReorderBuffer<String> b = new ReorderBuffer<>(n);
        int duplicates = 0;
        for (int s : seqs) {
            if (b.offer(s, "t" + s, s == n - 1, out::add) == DUPLICATE) {
                duplicates++;
            }
        }
        assertThat(out).containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "t" + i).toList());
        assertThat(duplicates).isEqualTo((n + 6) / 7);
        assertThat(b.isComplete()).isTrue();
    }
}
