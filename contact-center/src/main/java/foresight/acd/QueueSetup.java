package foresight.acd;

import java.util.Map;

/**
 * What the ACD reads of the operator's current configuration: the queues by name, and the tiers and agents' skills
 * beside them. The flow loader's {@code FlowSet} is one; a reload hands the ACD a new one.
 */
public interface QueueSetup {
    Map<String, QueueDefinition> queues();

    Staffing staffing();

    /** A fixed setup (tests, tools). */
    static QueueSetup of(Map<String, QueueDefinition> queues, Staffing staffing) {
        return new Fixed(Map.copyOf(queues), staffing == null ? Staffing.DEFAULT : staffing);
    }

    record Fixed(Map<String, QueueDefinition> queues, Staffing staffing) implements QueueSetup {}
}
