package foresight.flows.run;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CallWriterTest {

    @Test
    void writesHappenInTheOrderAskedForOffTheAskingThread() {
        List<String> done = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (var writer = new CallWriter(16)) {
            for (int i = 0; i < 100; i++) {
                int n = i;
                writer.submit("c" + n, "event", () -> {
                    done.add("w" + n);
                    threads.add(Thread.currentThread().getName());
                });
            }
            assertThat(writer.flush(5_000)).isTrue();
        }
        assertThat(done).hasSize(100);
        for (int i = 0; i < 100; i++) assertThat(done.get(i)).isEqualTo("w" + i);
        assertThat(threads).containsOnly("call-writer");
    }

    @Test
    void withLanesEachCallKeepsItsOrderAndASlowWriteDoesNotHoldUpOtherCalls() throws Exception {
        var slow = new CountDownLatch(1);
        List<String> done = new CopyOnWriteArrayList<>();
        try (var writer = new CallWriter(64, 2)) {
            // Two calls whose ids fall in different lanes.
            String a = "call-a";
            String b = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "call-b" + i)
                    .filter(x -> Math.floorMod(x.hashCode(), 2) != Math.floorMod(a.hashCode(), 2)).findFirst().orElseThrow();
            writer.submit(a, "slow", () -> {
                try {
                    slow.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.add("a0");
            });
            for (int i = 1; i <= 20; i++) {
                int n = i;
                writer.submit(a, "event", () -> done.add("a" + n));
                writer.submit(b, "event", () -> done.add("b" + n));
            }
            await("the other call's writes, while the first call's write is stuck").atMost(5, TimeUnit.SECONDS)
                    .until(() -> done.stream().filter(x -> x.startsWith("b")).count() == 20);
            assertThat(done).noneMatch(x -> x.startsWith("a"));
            slow.countDown();
            assertThat(writer.flush(5_000)).isTrue();
        }
        List<String> ofA = done.stream().filter(x -> x.startsWith("a")).toList();
        List<String> ofB = done.stream().filter(x -> x.startsWith("b")).toList();
        assertThat(ofA).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, 20).mapToObj(i -> "a" + i).toList());
        assertThat(ofB).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "b" + i).toList());
    }

    @Test
    void failedWriteIsCountedAndTheNextOnesStillHappen() {
        List<String> done = new CopyOnWriteArrayList<>();
        try (var writer = new CallWriter(16)) {
            writer.submit("c1", "event:queued", () -> { throw new IllegalStateException("database down"); });
            writer.submit("c1", "ended", () -> done.add("ended"));
            writer.flush(5_000);
            assertThat(writer.failedWrites()).isEqualTo(1);
            assertThat(writer.writtenWrites()).isGreaterThanOrEqualTo(1);
        }
        assertThat(done).containsExactly("ended");
    }

    @Test
    void fullQueueMakesTheAskerWaitInsteadOfDroppingWrites() throws Exception {
        var release = new CountDownLatch(1);
        List<Integer> done = new CopyOnWriteArrayList<>();
        try (var writer = new CallWriter(2)) {
            writer.submit("c1", "slow", () -> {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().until(() -> writer.pending() == 0); // the slow write is running
            writer.submit("c1", "a", () -> done.add(1));
            writer.submit("c1", "b", () -> done.add(2));
            var asker = Thread.ofVirtual().start(() -> writer.submit("c1", "c", () -> done.add(3)));
            await().until(() -> asker.getState() == Thread.State.WAITING || asker.getState() == Thread.State.TIMED_WAITING);
            assertThat(asker.isAlive()).as("the third write waits for room").isTrue();
            release.countDown();
            asker.join(5_000);
            writer.flush(5_000);
        }
        assertThat(done).containsExactly(1, 2, 3);
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterWritesRunOnTheAskingThread() {
        List<String> done = new CopyOnWriteArrayList<>();
        var writer = new CallWriter(64);
        for (int i = 0; i < 20; i++) {
            int n = i;
            writer.submit("c1", "event", () -> done.add("q" + n));
        }
        writer.close();
        assertThat(done).hasSize(20);
        writer.submit("c1", "ended", () -> done.add(Thread.currentThread().getName()));
        assertThat(done.getLast()).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void offerNeverWaitsAFullQueueDropsTheWriteAndCountsIt() throws Exception {
        var release = new CountDownLatch(1);
        List<String> done = new CopyOnWriteArrayList<>();
        try (var writer = new CallWriter(1)) {
            writer.submit("c1", "slow", () -> {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(java.time.Duration.ofSeconds(5)).until(() -> writer.pending() == 0); // the writer holds the slow one
            assertThat(writer.offer("c1", "event:prompt", () -> done.add("first"))).isTrue();
            assertThat(writer.offer("c1", "event:prompt", () -> done.add("second"))).as("queue full: dropped, not waited for").isFalse();
            assertThat(writer.failedWrites()).isEqualTo(1);
            release.countDown();
            writer.flush(5_000);
        }
        assertThat(done).containsExactly("first");
    }
}
