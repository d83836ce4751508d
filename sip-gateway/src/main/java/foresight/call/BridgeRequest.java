package foresight.call;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How to connect the caller to an agent's phone, or to the first of several phones that answers (an agent with
 * several registered devices, or a ring-all queue).
 *
 * @param contacts        where the phones are registered; all ring at once, the first to answer wins, the rest get CANCEL
 * @param ringTimeout     how long they may ring before the attempt counts as not answered
 * @param onAnswered      runs on the call's thread right after the media is bridged, with the contact that answered
 * @param transferTargets which blind-transfer (REFER) targets the agent may send the caller to; null: none
 * @param holdMusic       what the caller hears while the agent holds them; null: silence
 */
public record BridgeRequest(List<String> contacts, Duration ringTimeout, Consumer<String> onAnswered,
                            Predicate<String> transferTargets, AudioClip holdMusic) {
    public BridgeRequest {
        if (contacts.isEmpty()) throw new IllegalArgumentException("no contact to ring");
        contacts = List.copyOf(contacts);
    }

    public BridgeRequest(String contactUri, Duration ringTimeout, Runnable onAnswered) {
        this(List.of(contactUri), ringTimeout, c -> onAnswered.run(), null, null);
    }

    /** The first contact (the only one when a single phone is rung). */
    public String contactUri() { return contacts.getFirst(); }
}
