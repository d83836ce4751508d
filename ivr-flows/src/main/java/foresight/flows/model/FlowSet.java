package foresight.flows.model;

import foresight.acd.QueueDefinition;
import foresight.acd.QueueSetup;
import foresight.acd.Staffing;
import foresight.speech.reason.Reason;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything loaded from one operator directory at one moment: flows, queues and reasons. Immutable; a reload
 * builds a new one. {@code version} is a content hash, stored on every call that runs it.
 */
public record FlowSet(Map<String, Flow> flows, Map<String, QueueDefinition> queues, List<Reason> reasons, String version, Instant loadedAt,
                      IntentModel intents, foresight.recording.qa.QaRules qa, Staffing staffing, List<Answer> answers) implements QueueSetup {
    public FlowSet(Map<String, Flow> flows, Map<String, QueueDefinition> queues, List<Reason> reasons, String version, Instant loadedAt) {
        this(flows, queues, reasons, version, loadedAt, new IntentModel(reasons, List.of()), foresight.recording.qa.QaRules.DEFAULT, Staffing.DEFAULT, List.of());
    }

    /** A copy with another intent model (a reload whose examples did not change keeps the trained one). */
    public FlowSet withIntents(IntentModel model) {
        return new FlowSet(flows, queues, reasons, version, loadedAt, model, qa, staffing, answers);
    }

    public FlowSet {
        flows = Map.copyOf(flows);
        queues = Map.copyOf(queues);
        reasons = List.copyOf(reasons);
        if (staffing == null) staffing = Staffing.DEFAULT;
        answers = answers == null ? List.of() : List.copyOf(answers);
    }

    /** The queue an agent's blind transfer to {@code target} (a queue name or extension) means, if any. */
    public java.util.Optional<QueueDefinition> transferTarget(String target) {
        return queues.values().stream().filter(q -> q.answersTo(target)).findFirst();
    }
}
