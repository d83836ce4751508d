package foresight.acd;

/** Where a queue's callers go when its max wait has passed (the {@code overflow} key of {@code queues.yml}). */
public sealed interface Overflow {
    /** The flow goes on with its next step (no {@code overflow} key). */
    record NextStep() implements Overflow {}

    /** The caller moves to another queue, keeping nothing of their place. */
    record ToQueue(String queue) implements Overflow {
        public ToQueue {
            if (queue == null || queue.isBlank()) throw new IllegalArgumentException("overflow queue name is empty");
        }
    }

    /** The caller is offered a callback (press the queue's callback key), keeping their place. */
    record Callback() implements Overflow {}

    /** The operator's word: null → next step, {@code callback} → callback, anything else → that queue. */
    static Overflow of(String word) {
        if (word == null) return new NextStep();
        if (word.equals(QueueDefinition.CALLBACK)) return new Callback();
        return new ToQueue(word);
    }
}
