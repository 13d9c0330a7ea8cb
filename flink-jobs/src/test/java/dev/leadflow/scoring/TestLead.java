package dev.leadflow.scoring;

import dev.leadflow.scoring.model.ScoringModel;
import java.util.List;

/** One lead's state and a scorer, driven by events and timers as the Flink operator would. */
public final class TestLead {

    final ScoringModel model;
    final LeadScorer scorer;
    final LeadState state = new LeadState();
    public Evaluation last;

    public TestLead(ScoringModel model) {
        this.model = model;
        this.scorer = new LeadScorer(model);
    }

    public static TestLead withDefaultModel() {
        return new TestLead(ScoringModel.defaults());
    }

    public static TestLead withModel(String yaml) {
        return new TestLead(ScoringModel.fromYaml(yaml));
    }

    public Evaluation apply(LeadEvent... events) {
        for (LeadEvent e : events) {
            last = scorer.apply(state, e);
        }
        return last;
    }

    public Evaluation at(long time) {
        last = scorer.evaluate(state, time);
        return last;
    }

    long nextCheckAt() {
        return scorer.nextCheckAt(state);
    }

    public List<Reason> reasons() {
        return scorer.reasons(state, state.clock);
    }

    double engagementPoints(long time) {
        return scorer.engagementPoints(state, time);
    }

    double signalPoints(String signal, long time) {
        return scorer.signalPoints(state, signal, time);
    }
}
