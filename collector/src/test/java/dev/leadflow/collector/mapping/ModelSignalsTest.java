package dev.leadflow.collector.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.leadflow.avro.EngagementAction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The names the collector gives Segment's calls are the signals the scoring job's default model scores
 * (flink-jobs' default-model.yaml, read from the repository): a page or event name that came out
 * differently would be carried through the job and silently score nothing.
 */
class ModelSignalsTest {

    static final Path MODEL = Path.of("../flink-jobs/src/main/resources/dev/leadflow/scoring/default-model.yaml");
    static Set<String> signals;
    static Set<String> handRaisers;

    @BeforeAll
    static void readModel() throws IOException {
        JsonNode model = new ObjectMapper(new YAMLFactory()).readTree(MODEL.toFile());
        signals = new TreeSet<>();
        model.path("engagement").path("signals").fieldNames().forEachRemaining(signals::add);
        handRaisers = new TreeSet<>();
        model.path("engagement").path("handRaisers").path("signals").forEach(s -> handRaisers.add(s.asText()));
        assertThat(signals).as("signals of %s", MODEL).isNotEmpty();
    }

    @Test
    void pageNamesAsAWebsiteSendsThemAreScoredPages() {
        for (String page : new String[] {"Pricing", "Product", "Docs", "Integrations", "Case Studies", "Blog", "Careers"}) {
            assertThat(signals).as(page).contains("page:" + Names.pageCategory(page));
        }
        assertThat(signals).contains("page:" + Names.categoryFromUrl("https://www.example.com/case-studies/acme").orElseThrow());
    }

    @Test
    void trackNamesAsSegmentsSpecWritesThemAreTheModelsHandRaisersAndForms() {
        for (String event : new String[] {"Demo Requested", "Contact Sales", "Trial Started"}) {
            assertThat(handRaisers).as(event).contains("track:" + Names.trackName(event));
        }
        assertThat(signals).contains("track:" + Names.trackName("Form Submitted"));
    }

    @Test
    void everyEngagementButDeliveryIsScored() {
        Engagements.table().forEach((name, e) -> {
            if (e.action() == EngagementAction.DELIVERED) {
                return; // a delivery is not something the lead did
            }
            String exact = "campaign:" + e.channel() + ":" + e.action();
            String any = "campaign:*:" + e.action();
            assertThat(signals.contains(exact) || signals.contains(any)).as("%s → %s", name, exact).isTrue();
        });
    }
}
