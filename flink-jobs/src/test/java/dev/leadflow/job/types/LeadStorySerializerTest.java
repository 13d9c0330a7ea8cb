package dev.leadflow.job.types;

import dev.leadflow.scoring.LeadStory;
import dev.leadflow.scoring.StoryEntry;
import java.util.ArrayList;
import java.util.List;

/** Flink's conformance tests for a lead's story in scoring state. */
class LeadStorySerializerTest extends OwnSerializerTestBase<LeadStory> {

    LeadStorySerializerTest() {
        super(LeadStorySerializer.INSTANCE, LeadStory.class, false);
    }

    @Override
    protected LeadStory[] getTestData() {
        List<StoryEntry> full = new ArrayList<>();
        for (int i = 0; i < LeadStory.LIMIT; i++) {
            full.add(new StoryEntry(1_764_000_000_000L + i, i % 2 == 0 ? "web" : "campaign", "Viewed p" + i));
        }
        LeadStory one = new LeadStory(new ArrayList<>(List.of(
                new StoryEntry(Long.MIN_VALUE, "sales", "Call by s17 — « pas de réponse » 😀"))));
        return new LeadStory[] {new LeadStory(full), one, new LeadStory()};
    }
}
