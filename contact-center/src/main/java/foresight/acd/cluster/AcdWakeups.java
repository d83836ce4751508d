package foresight.acd.cluster;

import foresight.acd.Acd;
import foresight.db.cluster.ClusterRepository.Reclaimed;

/**
 * Hands what the cluster node hears to this node's {@link Acd}: an offer for one of its callers, a change in some line,
 * a resync. The node starts (and hears) before the ACD exists: until {@link #attach} nothing is forwarded, and attaching
 * resyncs once. Runs on the node's threads; the ACD only queues the work on its own timers, so nothing here blocks.
 */
public final class AcdWakeups implements ClusterNode.Events {
    private volatile Acd acd; // set once by attach

    /** From now on wake-ups go to {@code acd}; it rereads offers and lines once (it may have missed some). */
    public void attach(Acd acd) {
        this.acd = acd;
        acd.resync();
    }

    @Override
    public void offered(String callId) {
        Acd a = acd;
        if (a != null) a.offersArrived();
    }

    @Override
    public void changed() {
        Acd a = acd;
        if (a != null) a.lineChanged();
    }

    @Override
    public void resync() {
        Acd a = acd;
        if (a != null) a.resync();
    }

    /** The janitor here freed a dead node's agents: this node's callers may take them now. */
    @Override
    public void reclaimed(Reclaimed what) {
        Acd a = acd;
        if (a != null) a.lineChanged();
    }
}
