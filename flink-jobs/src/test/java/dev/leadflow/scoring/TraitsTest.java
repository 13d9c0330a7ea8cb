package dev.leadflow.scoring;

import static dev.leadflow.scoring.Events.T0;
import static dev.leadflow.scoring.Events.VP_AT_ACME;
import static dev.leadflow.scoring.Events.identify;
import static dev.leadflow.scoring.Events.traits;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** IDENTIFY traits build the profile; newer traits win whatever the arrival order. */
class TraitsTest {

    private final TestLead lead = TestLead.withDefaultModel();

    @Test
    void traitsBecomeTheContact() {
        Evaluation ev = lead.apply(identify(T0, VP_AT_ACME));

        assertThat(ev.contactName()).isEqualTo("Jane Doe");
        assertThat(ev.contact.title).isEqualTo("VP of Sales");
        assertThat(ev.contact.company).isEqualTo("Acme GmbH");
        assertThat(ev.contact.email).isEqualTo("jane.doe@acme.com");
        assertThat(ev.contact.employees).isEqualTo(1200);
    }

    @Test
    void aNewerIdentifyOverwritesAndBlankTraitsDoNotErase() {
        lead.apply(identify(T0, VP_AT_ACME));
        Evaluation ev = lead.apply(identify(T0 + 1, traits("title", "CEO", "company", "  ")));

        assertThat(ev.contact.title).isEqualTo("CEO");
        assertThat(ev.contact.company).isEqualTo("Acme GmbH");
    }

    @Test
    void anOlderIdentifyOnlyFillsWhatIsUnknown() {
        lead.apply(identify(T0 + 10, traits("title", "CEO")));
        Evaluation ev = lead.apply(identify(T0, traits("title", "Intern", "first_name", "Kim")));

        assertThat(ev.contact.title).isEqualTo("CEO");
        assertThat(ev.contact.firstName).isEqualTo("Kim");
        assertThat(lead.state.profileAt).isEqualTo(T0 + 10);
    }

    @Test
    void aChangeReplacesTheProfileSoPublishedContactsStayAsTheyWere() {
        Evaluation first = lead.apply(identify(T0, VP_AT_ACME));
        Evaluation second = lead.apply(identify(T0 + 1, traits("title", "CEO")));

        assertThat(first.contact.title).isEqualTo("VP of Sales");
        assertThat(second.contact.title).isEqualTo("CEO");
        assertThat(second.changed).isTrue();
    }

    @Test
    void theSameTraitsAgainChangeNothing() {
        lead.apply(identify(T0, VP_AT_ACME));
        long version = lead.last.version;
        int rev = lead.state.profileRev;

        Evaluation again = lead.apply(identify(T0 + 1, VP_AT_ACME));

        assertThat(lead.state.profileRev).isEqualTo(rev);
        assertThat(again.changed).isFalse();
        assertThat(again.version).isEqualTo(version);
    }

    @Test
    void employeesFromSizeTraits() {
        assertThat(Traits.employees("250")).isEqualTo(250);
        assertThat(Traits.employees("1,200")).isEqualTo(1200);
        assertThat(Traits.employees("1000-5000")).isEqualTo(1000);
        assertThat(Traits.employees("10k+")).isEqualTo(10_000);
        assertThat(Traits.employees("about 50 people")).isEqualTo(50);
        assertThat(Traits.employees("n/a")).isZero();
        assertThat(Traits.employees(null)).isZero();
    }
}
