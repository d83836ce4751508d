package foresight.flows.run;

import foresight.flows.model.Flow;
import foresight.flows.model.FlowSet;
import foresight.flows.model.Step;
import foresight.speech.template.Template;

import java.util.List;

/**
 * Which prompts can be synthesised before a flow reaches them, so the caller never waits for the voice: those
 * with no placeholders (once, at start-up) and, as soon as a caller's lookup is done (while the greeting plays),
 * those whose placeholders are all {@code customer.*} or {@code prediction.*}, e.g. "{{prediction.phrase}} Please
 * say yes or no." rendered to "Are you calling about your refund for order 456? ...". Stateless.
 */
public final class PromptsAhead {
    private PromptsAhead() {}

    /** Prefetches every flow's fixed sentences. Returns at once. */
    public static void fixedPrompts(FlowSet set, Prompts prompts) {
        for (Flow flow : set.flows().values()) {
            for (Step step : flow.steps().values()) {
                String template = text(step);
                if (template != null && Template.placeholders(template).isEmpty()) prompts.prefetch(Template.render(template, java.util.Map.of()));
            }
        }
    }

    /** Prefetches {@code flow}'s sentences that the lookup alone fills in. Returns at once; any thread. */
    static void forCaller(Flow flow, CallContext.Lookup lookup, Prompts prompts) {
        if (lookup.customer().isEmpty() && lookup.prediction().isEmpty()) return;
        var values = CallContext.lookupValues(lookup);
        for (Step step : flow.steps().values()) {
            String template = text(step);
            if (template == null) continue;
            List<String> names = Template.placeholders(template);
            if (names.isEmpty() || !names.stream().allMatch(n -> n.startsWith("customer.") || n.startsWith("prediction."))) continue;
            if (names.stream().anyMatch(n -> n.startsWith("prediction.")) && lookup.prediction().isEmpty()) continue;
            prompts.prefetch(Template.render(template, values));
        }
    }

    /** The sentence a step speaks, or null. */
    private static String text(Step step) {
        return switch (step) {
            case Step.Say s -> s.text();
            case Step.Confirm c -> c.text();
            case Step.Ask a -> a.text();
            case Step.Menu m -> m.text();
            case Step.PredictIssue p -> null;
            case Step.SetVars v -> null;
            case Step.Switch w -> null;
            case Step.Queue q -> null;
            case Step.Hangup h -> null;
            case Step.Transfer t -> null;
            case Step.Record r -> null;
        };
    }
}
