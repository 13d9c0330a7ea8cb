package dev.leadflow.launcher.backtest;

import dev.leadflow.job.JobSettings;
import dev.leadflow.job.LeadFlowJob;
import dev.leadflow.job.LeadFlowPipeline;
import dev.leadflow.job.account.HandoffCommand;
import dev.leadflow.job.control.ControlRecord;
import dev.leadflow.job.ingest.DeadLetter;
import dev.leadflow.schemas.Topics;
import dev.leadflow.scoring.model.ScoringModel;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * One model over one period of the input topics: the production topology
 * ({@link LeadFlowPipeline#defineWorkflow}) on a Flink cluster inside this JVM, fed by the job's own
 * Kafka sources bounded by the period's timestamps, with an empty control stream ({@link EmptySource}: the model under test
 * is the only one; the live model topic is not read) and collecting sinks instead of Redis, the audit
 * topic and the DLQ. No offsets are committed (no checkpoints), so the job's consumer groups are untouched.
 */
final class Replay {

    /** What one model did: the first ENQUEUE of each lead handed off in the period, by lead id. */
    record Result(List<Handoff> handoffs, long deadLetters) {}

    /**
     * No split may follow the wall clock in a replay: a quiet partition would carry event time to today
     * and make every older event late. Sources end by themselves (bounded), which releases the watermark.
     */
    static final Duration NEVER_IDLE = Duration.ofDays(36_500);

    /** Reasons a replayed handoff carries (the most a model allows): enough for every signal of a lead. */
    static final int ALL_REASONS = 20;

    private Replay() {}

    static Result run(JobSettings base, ScoringModel model, Instant from, Instant to, String label, PrintStream progress)
            throws Exception {
        JobSettings s = copyForReplay(base);
        String run = "backtest-" + UUID.randomUUID();
        CollectingSink<HandoffCommand, Handoff> audit = new CollectingSink<>(run + "-audit", Handoff::ofEnqueue);
        CollectingSink<DeadLetter, String> dlq = new CollectingSink<>(run + "-dlq", d -> "dead letter");
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig());
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.getConfig().enableObjectReuse();
            if (s.parallelism > 0) {
                env.setParallelism(s.parallelism);
            }
            OffsetsInitializer start = OffsetsInitializer.timestamp(from.toEpochMilli());
            OffsetsInitializer stop = OffsetsInitializer.timestamp(to.toEpochMilli());
            LeadFlowPipeline.Inputs in = new LeadFlowPipeline.Inputs(
                    LeadFlowJob.source(s, Topics.CLICKSTREAM, start, stop),
                    LeadFlowJob.source(s, Topics.CAMPAIGN, start, stop),
                    LeadFlowJob.source(s, Topics.SALES, start, stop),
                    new EmptySource<>(TypeInformation.of(ControlRecord.class)));
            LeadFlowPipeline.Outputs out = new LeadFlowPipeline.Outputs(new DiscardingSink<>(), audit, dlq);
            // every signal behind a handoff, not only the model's top few: the scores and decisions are the same
            LeadFlowPipeline.defineWorkflow(env, in, out, model.withReasonsCount(ALL_REASONS), s);
            long started = System.nanoTime();
            JobClient job = env.executeAsync("leadflow-backtest-" + label);
            CompletableFuture<?> done = job.getJobExecutionResult();
            while (true) {
                try {
                    done.get(5, TimeUnit.SECONDS);
                    break;
                } catch (TimeoutException still) {
                    progress.printf(Locale.ROOT, "backtest: %s: %,d handoffs (ENQUEUE) after %d s%n", label, audit.size(),
                            (System.nanoTime() - started) / 1_000_000_000L);
                }
            }
            List<Handoff> enqueues = audit.drain();
            long deadLetters = dlq.drain().size();
            return new Result(firstEnqueues(enqueues, from, to), deadLetters);
        } finally {
            audit.drain();
            dlq.drain();
        }
    }

    /** The first ENQUEUE of each lead that lies in the period (timer-driven actions at the end of input do not count). */
    static List<Handoff> firstEnqueues(List<Handoff> enqueues, Instant from, Instant to) {
        Map<String, Handoff> first = new HashMap<>();
        Comparator<Handoff> earliest = Comparator.comparingLong(Handoff::enqueuedAt).thenComparing(Handoff::queue);
        for (Handoff h : enqueues) {
            if (h.enqueuedAt() < from.toEpochMilli() || h.enqueuedAt() >= to.toEpochMilli()) {
                continue;
            }
            first.merge(h.leadId(), h, (a, b) -> earliest.compare(a, b) <= 0 ? a : b);
        }
        return first.values().stream().sorted(Comparator.comparing(Handoff::leadId)).toList();
    }

    private static JobSettings copyForReplay(JobSettings base) {
        JobSettings s = new JobSettings();
        s.bootstrapServers = base.bootstrapServers;
        s.kafkaProperties = new HashMap<>(base.kafkaProperties);
        s.registryUrl = base.registryUrl;
        s.registryUser = base.registryUser;
        s.registryPassword = base.registryPassword;
        s.groupId = "leadflow-backtest";
        s.parallelism = base.parallelism;
        s.maxOutOfOrderness = base.maxOutOfOrderness;
        s.maxEventBytes = base.maxEventBytes;
        s.maxEventTimeSkew = base.maxEventTimeSkew;
        s.idleAfter = NEVER_IDLE;
        return s;
    }

    private static Configuration flinkConfig() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        return conf;
    }
}
