package dev.leadflow.scoring;

import dev.leadflow.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** YAML of the default model and of small models that isolate one rule. */
public final class TestModels {

    private TestModels() {}

    static String defaultYaml() {
        try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(ScoringModel.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default model's YAML with one piece of text replaced (which must occur). */
    public static String defaultYamlWith(String original, String replacement) {
        String yaml = defaultYaml();
        if (!yaml.contains(original)) {
            throw new IllegalArgumentException("not in the default model: " + original);
        }
        return yaml.replace(original, replacement);
    }

    /**
     * No fit, engagement 0..100 from "track:up" (+1) and "track:down" (-1) that practically do not
     * decay: readiness is exactly the number of ups minus downs, for hysteresis tests.
     */
    static final String COUNTER = String.join("\n",
            "version: counter",
            "fit: {}",
            "engagement:",
            "  max: 100",
            "  signals:",
            "    'track:up':   {points: 1,  halfLife: 100000d, dailyCap: 1000, label: Up}",
            "    'track:down': {points: -1, halfLife: 100000d, dailyCap: 1000, label: Down}",
            "");

    /** The smallest valid model. */
    public static final String MINIMAL = String.join("\n",
            "version: minimal",
            "fit: {}",
            "engagement:",
            "  signals:",
            "    'page:pricing': {points: 8, halfLife: 3d, dailyCap: 24, label: Viewed pricing}",
            "");
}
