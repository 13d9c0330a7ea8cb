package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.traits;
import static dev.leadflow.scoring.Events.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadflow.scoring.model.Grades;
import dev.leadflow.scoring.model.ScoringModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fit from traits, its gate, and the grade bands. */
class FitTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "Chief Revenue Officer,          15",
        "CTO,                            15",
        "Co-Founder & CEO,               15",
        "VP Engineering,                 15",
        "Head of Growth,                 12",
        "Director of IT,                 12",
        "Engineering Manager,            7",
        "Senior Software Engineer,       3",
        "Marketing Coordinator,          0",
        "Product Owner,                  0",
    })
    void titleSeniority(String title, int points) {
        lead.apply(identify(T0, traits("title", title, "company_domain", "x.com")));

        assertThat(lead.last.fit).isEqualTo(points);
    }

    @ParameterizedTest(name = "{0} employees -> {1}")
    @CsvSource({"5000, 10", "1000, 10", "999, 8", "200, 8", "199, 5", "50, 5", "49, 2", "10, 2", "9, 0",
        "'1,200', 10", "51-200, 5", "unknown, 0"})
    void companySizeBands(String size, int points) {
        lead.apply(identify(T0, traits("company_size", size)));

        assertThat(lead.last.fit).isEqualTo(points);
    }

    @Test
    void industryIgnoresCaseAndCountryUsesIsoCodes() {
        lead.apply(identify(T0, traits("industry", "FINANCIAL SERVICES", "country", "gb")));

        assertThat(lead.last.fit).isEqualTo(6 + 5);
    }

    @Test
    void theBestLeadScoresFullFit() {
        assertThat(lead.apply(identify(T0, VP_AT_ACME)).fit).isEqualTo(40);
        assertThat(lead.last.fitGate).isEqualTo(FitGate.OK);
        assertThat(lead.last.grade).isEqualTo("A4");
    }

    @Test
    void emailDomainPoints() {
        assertThat(fitOf(traits("email", "a@acme.com"))).isEqualTo(2);
        assertThat(fitOf(traits("email", "a@gmail.com", "title", "CEO"))).isEqualTo(15 - 10);
        assertThat(fitOf(with(VP_AT_ACME, "email", "spy@pipelinepro.ai"))).isEqualTo(0); // 38 - 40
        assertThat(fitOf(with(VP_AT_ACME, "email", "a@mit.edu"))).isEqualTo(40 - 2 - 20);
    }

    @Test
    void competitorWinsOverStudentOverFreeMail() {
        lead.apply(identify(T0, traits("email", "intern@rivalscore.io", "title", "Intern")));
        assertThat(lead.last.fitGate).isEqualTo(FitGate.COMPETITOR);

        TestLead student = TestLead.withDefaultModel();
        student.apply(identify(T0, traits("email", "a@gmail.com", "title", "Student")));
        assertThat(student.last.fitGate).isEqualTo(FitGate.STUDENT);
    }

    @Test
    void aLeadWithoutProfileHasNoFitAndNoGate() {
        Evaluation ev = lead.at(T0);

        assertThat(ev.fit).isZero();
        assertThat(ev.fitGate).isEqualTo(FitGate.OK);
        assertThat(ev.contact).isNull();
        assertThat(ev.contactName()).isNull();
        assertThat(ev.grade).isEqualTo("D4");
    }

    @Test
    void gradeBandsComeFromTheModel() {
        Grades grades = ScoringModel.defaults().grades();

        assertThat(grades.grade(30, 40)).isEqualTo("A1");
        assertThat(grades.grade(29, 39)).isEqualTo("B2");
        assertThat(grades.grade(20, 25)).isEqualTo("B2");
        assertThat(grades.grade(19, 24)).isEqualTo("C3");
        assertThat(grades.grade(10, 10)).isEqualTo("C3");
        assertThat(grades.grade(9, 9)).isEqualTo("D4");
        assertThat(grades.grade(0, 0)).isEqualTo("D4");
    }

    @Test
    void aNewModelRecomputesFitOfExistingState() {
        lead.apply(identify(T0, VP_AT_ACME));
        LeadScorer stricter = new LeadScorer(ScoringModel.fromYaml(
                TestModels.defaultYamlWith("  industries:\n    software: 8", "  industries:\n    software: 0")));

        assertThat(stricter.evaluate(lead.state, T0 + 1).fit).isEqualTo(32);
    }

    private int fitOf(java.util.Map<String, String> traits) {
        TestLead fresh = TestLead.withDefaultModel();
        return fresh.apply(identify(T0, traits)).fit;
    }
}
