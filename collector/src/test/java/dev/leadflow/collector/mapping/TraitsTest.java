package dev.leadflow.collector.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraitsTest {

    static Map<String, String> map(String json) throws Exception {
        return Traits.map(new ObjectMapper().readTree(json));
    }

    @Test
    void segmentsReservedTraitsWithANestedCompany() throws Exception {
        assertThat(map("""
                {"email": "ada@acme.example", "firstName": "Ada", "lastName": "Lovelace", "title": "CTO",
                 "company": {"name": "Acme", "website": "https://www.Acme.example/about", "employee_count": 250,
                             "industry": "Manufacturing", "plan": "enterprise"},
                 "address": {"city": "London", "country": "GB"}, "phone": "+44", "createdAt": "2026-01-01"}
                """)).containsExactlyInAnyOrderEntriesOf(Map.of("email", "ada@acme.example", "first_name", "Ada",
                "last_name", "Lovelace", "title", "CTO", "company", "Acme", "company_domain", "acme.example",
                "company_size", "250", "industry", "Manufacturing", "country", "GB"));
    }

    @Test
    void aCompanyDomainWinsOverItsWebsiteAndSnakeCaseTraitsAreTaken() throws Exception {
        assertThat(map("""
                {"first_name": "Bo", "company": {"domain": "bo.example", "website": "other.example", "employees": "10-50"}}
                """)).containsExactlyInAnyOrderEntriesOf(Map.of("first_name", "Bo", "company_domain", "bo.example",
                "company_size", "10-50"));
    }

    @Test
    void aFullNameIsSplitOnlyWhenFirstAndLastAreAbsent() throws Exception {
        assertThat(map("{\"name\": \"Cher\"}")).containsExactlyEntriesOf(Map.of("first_name", "Cher"));
        assertThat(map("{\"name\": \"Ada Lovelace\", \"firstName\": \"Augusta\"}"))
                .containsExactlyEntriesOf(Map.of("first_name", "Augusta"));
    }

    @Test
    void blanksNullsAndObjectsWhereTextBelongsAreLeftOut() throws Exception {
        assertThat(map("{\"email\": \" \", \"title\": null, \"industry\": {\"x\": 1}, \"country\": \"DE\"}"))
                .containsExactlyEntriesOf(Map.of("country", "DE"));
        assertThat(map("[1]")).isEmpty();
    }
}
