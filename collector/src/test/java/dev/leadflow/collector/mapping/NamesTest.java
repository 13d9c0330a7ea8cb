package dev.leadflow.collector.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

    @ParameterizedTest
    @CsvSource({
            "Demo Requested, demo_requested",
            "demo_requested, demo_requested",
            "demoRequested, demo_requested",
            "DemoRequested, demo_requested",
            "'  Email Link Clicked! ', email_link_clicked",
            "Trial-Started, trial_started",
            "Plan 2 Upgraded, plan_2_upgraded",
            "CONTACT SALES, contact_sales",
            "'!!!', ''",
    })
    void trackNamesInSnakeCase(String event, String expected) {
        assertThat(Names.trackName(event)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "Pricing, pricing",
            "Case Studies, case-studies",
            "case-studies, case-studies",
            "Docs / API, docs-api",
    })
    void pageCategoriesInKebabCase(String name, String expected) {
        assertThat(Names.pageCategory(name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "https://www.leadflow.example/pricing?x=1, pricing",
            "https://www.leadflow.example/Case-Studies/acme, case-studies",
            "https://www.leadflow.example/, home",
            "https://www.leadflow.example, home",
            "/docs/getting-started, docs",
            "/pricing.html, pricing",
    })
    void categoryFromTheFirstSegmentOfThePath(String url, String expected) {
        assertThat(Names.categoryFromUrl(url)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"'not a url ::', ''"})
    void anUnparsableUrlGivesNoCategory(String url, String ignored) {
        assertThat(Names.categoryFromUrl(url)).isEmpty();
    }
}
