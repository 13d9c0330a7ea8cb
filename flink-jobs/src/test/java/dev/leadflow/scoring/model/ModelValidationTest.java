package dev.leadflow.scoring.model;

import static dev.leadflow.scoring.TestModels.defaultYamlWith;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.leadflow.scoring.TestModels;
import org.junit.jupiter.api.Test;

/** An invalid model is rejected with the key path and the value at fault. */
class ModelValidationTest {

    private static void rejects(String yaml, String message) {
        assertThatThrownBy(() -> ScoringModel.fromYaml(yaml))
                .isInstanceOf(ModelException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    private static void rejectsWith(String yaml, String messagePart) {
        assertThatThrownBy(() -> ScoringModel.fromYaml(yaml))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void negativeHalfLife() {
        rejects(defaultYamlWith("{points: 8,   halfLife: 3d,", "{points: 8,   halfLife: -1d,"),
                "engagement.signals.\"page:pricing\".halfLife: expected a positive duration like 500ms, 30s, 15m, 2h or 90d, was \"-1d\"");
    }

    @Test
    void durationsNeedAUnit() {
        rejects(defaultYamlWith("  horizon: 30d", "  horizon: 30"),
                "state.horizon: expected a positive duration like 500ms, 30s, 15m, 2h or 90d, was 30");
        rejects(defaultYamlWith("  touchWindow: 14d", "  touchWindow: 2w"),
                "sales.touchWindow: expected a positive duration like 500ms, 30s, 15m, 2h or 90d, was \"2w\"");
        rejects(defaultYamlWith("  window: 7d", "  window: 0d"),
                "engagement.handRaisers.window: expected a positive duration like 500ms, 30s, 15m, 2h or 90d, was \"0d\"");
    }

    @Test
    void waitingForTraits() {
        rejects(defaultYamlWith("awaitTraits: 15m", "awaitTraits: 15"),
                "engagement.handRaisers.awaitTraits: expected a duration like 500ms, 30s, 15m, 2h or 90d, or 0 for none, was 15");
        rejects(defaultYamlWith("awaitTraits: 15m", "awaitTraits: -15m"),
                "engagement.handRaisers.awaitTraits: expected a duration like 500ms, 30s, 15m, 2h or 90d, or 0 for none, was \"-15m\"");
        rejects(defaultYamlWith("awaitTraits: 15m", "awaitTraits: 8d"),
                "engagement.handRaisers.awaitTraits: must not be above window (7d); to never hand off a hand-raise"
                        + " without an email, use afterAwait: drop, was \"8d\"");
        rejects(defaultYamlWith("afterAwait: queue", "afterAwait: hold"),
                "engagement.handRaisers.afterAwait: must be queue or drop, was \"hold\"");
        rejects(defaultYamlWith("afterAwait: queue", "afterAwait: true"),
                "engagement.handRaisers.afterAwait: must be text (quote values such as NO, ON or YES, which YAML reads"
                        + " as true/false), was true");
    }

    @Test
    void aTypoInAKeyIsAnError() {
        rejects(defaultYamlWith("halfLife: 3d,   dailyCap: 24", "halfLive: 3d,   dailyCap: 24"),
                "engagement.signals.\"page:pricing\".halfLife: is required (is \"halfLive\" a typo of it?)");
        rejectsWith(defaultYamlWith("  engagedAt: 20", "  engagedAt: 20\n  engagedAtt: 20"),
                "account.engagedAtt: unknown key (expected one of: engagedAt, bonusPerEngagedLead, maxBonus, handRaiserBoost, priorityTolerance)");
        rejectsWith(defaultYamlWith("reasons:\n", "reason:\n  count: 2\nreasons:\n"), "reason: unknown key");
    }

    @Test
    void unknownSignalKeys() {
        rejectsWith(defaultYamlWith("\"campaign:EMAIL:OPENED\"", "\"campaign:EMAIL:OPEND\""),
                "engagement.signals.\"campaign:EMAIL:OPEND\": not a signal key");
        rejectsWith(defaultYamlWith("\"page:blog\"", "\"pages:blog\""), "engagement.signals.\"pages:blog\": not a signal key");
        rejectsWith(defaultYamlWith("\"campaign:*:BOUNCED\"", "\"campaign:EMAIL:*\""),
                "engagement.signals.\"campaign:EMAIL:*\": not a signal key");
        rejectsWith(defaultYamlWith("\"track:trial_started\"]", "\"campaign:*:ATTENDED\"]"),
                "engagement.handRaisers.signals[2]: not a signal key");
    }

    @Test
    void pointsAndCaps() {
        rejects(defaultYamlWith("{points: 8,   halfLife: 3d,   dailyCap: 24", "{points: 8,   halfLife: 3d,   dailyCap: 5"),
                "engagement.signals.\"page:pricing\".dailyCap: must be at least the signal's points in absolute value (8), was 5");
        rejects(defaultYamlWith("{points: 8,", "{points: 8.5,"),
                "engagement.signals.\"page:pricing\".points: must be a whole number from -100 to 100, was 8.5");
        rejects(defaultYamlWith("    software: 8", "    software: 800"),
                "fit.industries.software: must be a whole number from -100 to 100, was 800");
        rejects(defaultYamlWith("label: Viewed pricing}", "label: \"\"}"),
                "engagement.signals.\"page:pricing\".label: must be non-empty text, was \"\"");
    }

    @Test
    void thresholds() {
        rejects(defaultYamlWith("  exit: 45", "  exit: 65"), "thresholds.exit: must not be above qualify (60), was 65");
        rejects(defaultYamlWith("  qualify: 60", "  qualify: 160"),
                "thresholds.qualify: must be a whole number from 0 to 100, was 160");
        rejects(defaultYamlWith("    B: 20", "    B: 35"), "grades.fit.B: must not be above A (30), was 35");
    }

    @Test
    void regularExpressions() {
        rejectsWith(defaultYamlWith("match: '\\b(head|", "match: '\\b((head|"),
                "fit.title[1].match: must be a valid regular expression (Unclosed group");
        rejectsWith(defaultYamlWith("- '\\bstudent\\b'", "- '[student'"), "fit.email.student.titles[0]: must be a valid regular expression");
    }

    @Test
    void countriesAndRouting() {
        rejects(defaultYamlWith("    GB: 5\n", "    Germany: 5\n"),
                "fit.countries.Germany: must be a two-letter ISO country code, was \"Germany\"");
        rejects(defaultYamlWith("SE, \"NO\", DK", "SE, NO, DK"),
                "routing.regions.EMEA[13]: must be text (quote values such as NO, ON or YES, which YAML reads as true/false), was false");
        rejects(defaultYamlWith("regions: [APAC, LATAM]", "regions: [APAC, LATM]"),
                "routing.rules[2].regions[1]: not a region defined under routing.regions (NA, EMEA, APAC, LATAM), was \"LATM\"");
        rejects(defaultYamlWith("queue: mid-market", "queue: owner-mid"),
                "routing.rules[3].queue: must not start with \"owner-\", which names sellers' own queues, was \"owner-mid\"");
        rejects(defaultYamlWith("queue: mid-market", "queue: Mid Market"),
                "routing.rules[3].queue: must be a queue name of lower-case letters, digits, '.', '_' or '-', was \"Mid Market\"");
        rejects(defaultYamlWith("      maxCompanySize: 999", "      maxCompanySize: 99"),
                "routing.rules[3].maxCompanySize: must not be below minCompanySize (200), was 99");
    }

    @Test
    void salesTypes() {
        rejects(defaultYamlWith("    CLOSED_LOST: 90d", "    CLOSED_LOSS: 90d"),
                "sales.cooldowns.CLOSED_LOSS: must be a sales activity type (CALL, CLOSED_LOST, CLOSED_WON, DISQUALIFIED,"
                        + " EMAIL_REPLY, EMAIL_SENT, HANDOFF_ACCEPTED, HANDOFF_REJECTED, MEETING_BOOKED, MEETING_HELD,"
                        + " OPPORTUNITY_OPENED, OWNER_ASSIGNED), was \"CLOSED_LOSS\"");
        rejectsWith(defaultYamlWith("touches: [CALL,", "touches: [PHONE,"), "sales.touches[0]: must be a sales activity type");
    }

    @Test
    void documentProblems() {
        rejects("", "the model is empty");
        rejects("# nothing\n", "the model is empty");
        rejects("- a list\n", "the model must be a YAML mapping, was a list");
        rejectsWith("version: x\nversion: y\n", "not valid YAML: Duplicate field 'version'");
        rejectsWith("version: [unclosed\n", "not valid YAML");
        rejects(TestModels.MINIMAL.replace("version: minimal\n", ""), "version: is required");
        rejects("version: v\nfit: {}\n", "engagement: is required");
        rejects("version: v\nfit: {}\nengagement: {}\n", "engagement.signals: is required");
        rejects("version: v\nfit: []\nengagement: {}\n", "fit: must be a mapping of keys to values, was a list");
    }
}
