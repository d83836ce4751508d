package foresight.call;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * How to connect the caller to an agent's phone.
 *
 * @param contactUri      where the agent's phone is registered
 * @param ringTimeout     how long it may ring before the attempt counts as not answered
 * @param onAnswered      runs on the call's thread right after the media is bridged
 * @param transferTargets which blind-transfer (REFER) targets the agent may send the caller to; null: none
 * @param holdMusic       what the caller hears while the agent holds them; null: silence
 */
public record BridgeRequest(String contactUri, Duration ringTimeout, Runnable onAnswered,
                            Predicate<String> transferTargets, AudioClip holdMusic) {
    public BridgeRequest(String contactUri, Duration ringTimeout, Runnable onAnswered) {
        this(contactUri, ringTimeout, onAnswered, null, null);
    }
}
