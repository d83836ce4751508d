package foresight.flows.run;

import foresight.acd.Acd;
import foresight.call.CallControl;
import foresight.call.CallEndedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Feature codes an agent dials from the softphone, as on a PBX: log in / out, not ready / ready. Not a customer
 * call: no call row, no recording. Runs on the call's thread.
 */
final class FeatureCodes {
    private static final Logger log = LoggerFactory.getLogger(FeatureCodes.class);
    static final Map<String, String> CODES = Map.of("*41", "login", "*42", "logout", "*43", "not_ready", "*44", "ready");

    private final Acd acd;
    private final StepInterpreter.PromptSource prompts;

    FeatureCodes(Acd acd, StepInterpreter.PromptSource prompts) {
        this.acd = acd;
        this.prompts = prompts;
    }

    /** Whether this call is an agent dialling a feature code rather than a customer calling. */
    static boolean applies(CallControl call) {
        return call.authenticatedAgent() != null && call.dialled() != null && call.dialled().startsWith("*");
    }

    /**
     * The agent dialled {@code code}: the gateway has checked their digest credentials; the result is spoken and
     * the call ends. Blocks while it is spoken.
     */
    void run(CallControl call, String agent, String code) {
        String action = CODES.get(code);
        boolean ok = action != null && switch (action) {
            case "login" -> acd.login(agent);
            case "logout" -> acd.logout(agent);
            case "not_ready" -> acd.ready(agent, false, "phone");
            default -> acd.ready(agent, true, null);
        };
        log.info("call={} event=feature_code agent={} code={} action={} ok={} state={}", call.id(), agent, code, action == null ? "-" : action, ok,
                acd.state(agent));
        try {
            call.answer();
            String said = action == null ? "That feature code is not known." : !ok ? "That cannot be done now." : switch (action) {
                case "login" -> acd.state(agent) == Acd.AgentState.AVAILABLE ? "You are logged in and ready." : "You are logged in, not ready.";
                case "logout" -> "You are logged out.";
                case "not_ready" -> "You are not ready.";
                default -> "You are ready.";
            };
            call.play(prompts.get(said));
        } catch (CallEndedException e) {
            // they hung up before hearing it; the state changed anyway
        } finally {
            if (!call.isEnded()) call.hangUp("feature_code");
        }
    }
}
