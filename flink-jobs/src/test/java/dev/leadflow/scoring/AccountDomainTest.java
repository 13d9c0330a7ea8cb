package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.traits;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Leads roll up to the company domain trait, else the email's domain unless free mail. */
class AccountDomainTest {

    @ParameterizedTest(name = "email {0}, company domain {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
        "jane@acme.com,       -,                           acme.com",
        "Jane@ACME.com,       -,                           acme.com",
        "jane@gmail.com,      -,                           -",
        "jane@gmail.com,      acme.com,                    acme.com",
        "jane@acme-corp.com,  acme.com,                    acme.com",
        "jane@acme.com,       https://www.Acme.io/about,   acme.io",
        "jane@acme.com,       gmail.com,                   acme.com",
        "-,                   acme.com,                    acme.com",
        "-,                   -,                           -",
        "not-an-email,        -,                           -",
    })
    void accountDomain(String email, String companyDomain, String expected) {
        TestLead lead = TestLead.withDefaultModel();
        java.util.Map<String, String> traits = traits("first_name", "Jane");
        if (email != null) {
            traits.put("email", email);
        }
        if (companyDomain != null) {
            traits.put("company_domain", companyDomain);
        }

        assertThat(lead.apply(identify(T0, traits)).accountDomain).isEqualTo(expected);
    }
}
