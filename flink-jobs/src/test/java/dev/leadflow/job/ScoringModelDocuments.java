package dev.leadflow.job;

import dev.leadflow.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Scoring model documents for tests: the default model's YAML with a few lines changed. */
public final class ScoringModelDocuments {

    public static final String DEFAULT_VERSION = "2026.2-default";

    private ScoringModelDocuments() {}

    static String defaultYaml() {
        try (InputStream in = ScoringModel.class.getClassLoader().getResourceAsStream(ScoringModel.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The default document with its version set and each {@code from → to} line replaced (each must exist). */
    public static String edited(String version, String... fromTo) {
        String text = replace(defaultYaml(), "version: \"" + DEFAULT_VERSION + "\"", "version: \"" + version + "\"");
        for (int i = 0; i < fromTo.length; i += 2) {
            text = replace(text, fromTo[i], fromTo[i + 1]);
        }
        return text;
    }

    public static String withCommitteeBonus(ScoringModel base, double bonus, String version) {
        return edited(version, "bonusPerEngagedLead: " + (long) base.committeeBonusPerLead(),
                "bonusPerEngagedLead: " + (long) bonus);
    }

    private static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new IllegalArgumentException("the default model has no line '" + from + "'");
        }
        return text.replace(from, to);
    }
}
