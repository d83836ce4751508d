package foresight.speech.predict;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeatureScreenTest {
    @Test
    void featuresThatSayNothingAboutTheReasonAreDroppedAndTheOneThatDoesIsKept() {
        Random r = new Random(1);
        List<Map<String, Double>> features = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        String[] reasons = {"general", "billing", "card"};
        for (int i = 0; i < 2000; i++) {
            String label = reasons[r.nextInt(3)];
            Map<String, Double> f = new HashMap<>();
            f.put("bias", 1.0);
            // 60 noise features, drawn the same way whatever the reason.
            for (int k = 0; k < 60; k++) if (r.nextDouble() < 0.5) f.put("e:noise" + k + ":7d", r.nextDouble());
            // One weak signal: present for a fifth of the billing calls, a twentieth of the others.
            if (r.nextDouble() < (label.equals("billing") ? 0.2 : 0.05)) f.put("e:payment_reversed:7d", 0.5 + 0.5 * r.nextDouble());
            features.add(f);
            labels.add(label);
        }
        var keep = FeatureScreen.associated(features, labels);
        assertThat(keep).contains("bias", "e:payment_reversed:7d");
        assertThat(keep.stream().filter(k -> k.startsWith("e:noise")).count()).as("noise features kept: " + keep).isLessThanOrEqualTo(1);
        assertThat(FeatureScreen.only(features.getFirst(), keep)).containsKey("bias").allSatisfy((k, v) -> assertThat(keep).contains(k));
    }

    @Test
    void quantilesMatchTheTablesWithinTheApproximationsError() {
        assertThat(FeatureScreen.normalUpperQuantile(0.05)).isCloseTo(1.6449, within(1e-3));
        assertThat(FeatureScreen.normalUpperQuantile(0.001)).isCloseTo(3.0902, within(1e-3));
        assertThat(FeatureScreen.normalUpperQuantile(1e-6)).isCloseTo(4.7534, within(1e-3));
        // Wilson–Hilferty: within 2 % of the χ² table at these tails (3 % at one degree of freedom).
        assertThat(FeatureScreen.chiSquareQuantile(4, 0.05)).isCloseTo(9.488, within(0.02 * 9.488));
        assertThat(FeatureScreen.chiSquareQuantile(4, 0.001)).isCloseTo(18.467, within(0.02 * 18.467));
        assertThat(FeatureScreen.chiSquareQuantile(1, 0.05)).isCloseTo(3.841, within(0.03 * 3.841));
    }
}
