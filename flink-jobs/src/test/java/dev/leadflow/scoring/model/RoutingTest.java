package dev.leadflow.scoring.model;

import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.sales;
import static dev.leadflow.scoring.Events.traits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.SalesType;
import dev.leadflow.scoring.TestLead;
import dev.leadflow.scoring.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The first matching rule picks the queue; owners get their own; otherwise "default". */
public class RoutingTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @ParameterizedTest(name = "{0} employees in {1} -> {2}")
    @CsvSource({
        "1200,      DE, enterprise-emea",
        "1000,      no, enterprise-emea", // lower-case Norway: codes are normalized
        "999,       DE, mid-market",
        "1000-5000, US, enterprise-na",
        "10k+,      CA, enterprise-na",
        "2000,      JP, enterprise-apac",
        "2000,      BR, enterprise-apac",
        "2000,      ZZ, default", // big, but no region rule matches and mid-market stops at 999
        "200,       ZZ, mid-market",
        "199,       US, default",
    })
    void rulesMatchInOrder(String size, String country, String queue) {
        lead.apply(identify(T0, traits("email", "a@corp.com", "company_size", size, "country", country)));

        assertThat(lead.last.queue).isEqualTo(queue);
    }

    @Test
    void unknownSizeDoesNotMatchASizeRule() {
        lead.apply(identify(T0, traits("email", "a@corp.com", "country", "DE")));

        assertThat(lead.last.queue).isEqualTo("default");
    }

    @Test
    void aLeadWithoutAProfileGoesToTheDefaultQueue() {
        assertThat(lead.at(T0).queue).isEqualTo("default");
    }

    @Test
    void anOwnersLeadGoesToTheOwnersQueue() {
        lead.apply(identify(T0, traits("company_size", "5000", "country", "DE")));
        lead.apply(sales(SalesType.OWNER_ASSIGNED, "seller-42", T0 + 1));

        assertThat(lead.last.queue).isEqualTo("owner-seller-42");
        assertThat(ScoringModel.ownerQueue("seller-42")).isEqualTo("owner-seller-42");
    }

    @Test
    void theNewerAssignmentWinsAndANullSellerUnassigns() {
        lead.apply(sales(SalesType.OWNER_ASSIGNED, "seller-2", T0 + 2), sales(SalesType.OWNER_ASSIGNED, "seller-1", T0 + 1));
        assertThat(lead.last.queue).isEqualTo("owner-seller-2");

        lead.apply(sales(SalesType.OWNER_ASSIGNED, null, T0 + 3));
        assertThat(lead.last.queue).isEqualTo("default");
    }

    @Test
    void rulesCanMatchIndustriesAndCountries() {
        TestLead custom = TestLead.withModel(TestModels.MINIMAL + String.join("\n",
                "routing:",
                "  defaultQueue: inbound",
                "  rules:",
                "    - {queue: fintech-dach, industries: [Fintech, Financial Services], countries: [DE, AT, CH]}",
                ""));
        custom.apply(identify(T0, traits("industry", "financial services", "country", "AT")));
        assertThat(custom.last.queue).isEqualTo("fintech-dach");

        custom.apply(identify(T0 + 1, traits("country", "FR")));
        assertThat(custom.last.queue).isEqualTo("inbound");
    }
}
