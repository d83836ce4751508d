package foresight.sip.trunk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls in progress per trunk, against each trunk's {@code maxChannels}: the carrier's contract (and its SBC) allows
 * so many, and the one over it is refused here rather than rejected there. Counted by trunk name, so a reload that
 * changes a limit keeps the count. Thread-safe: any call thread takes, a JAIN-SIP thread gives back.
 */
public final class TrunkChannels {
    private final Map<String, AtomicInteger> inUse = new ConcurrentHashMap<>();

    /** Takes one channel of {@code trunk}; false (nothing taken) when all {@code maxChannels} are in use. */
    public boolean tryTake(Trunk trunk) {
        AtomicInteger n = inUse.computeIfAbsent(trunk.name(), k -> new AtomicInteger());
        while (true) {
            int now = n.get();
            if (now >= trunk.maxChannels()) return false;
            if (n.compareAndSet(now, now + 1)) return true;
        }
    }

    /** Gives back a channel taken with {@link #tryTake}. */
    public void release(String trunk) {
        AtomicInteger n = inUse.get(trunk);
        if (n == null || n.getAndUpdate(v -> Math.max(0, v - 1)) <= 0) throw new IllegalStateException("trunk=" + trunk + " released more channels than taken");
    }

    /** Channels of {@code trunk} in use now. */
    public int inUse(String trunk) {
        AtomicInteger n = inUse.get(trunk);
        return n == null ? 0 : n.get();
    }
}
