/**
 * Stage 3: lead scoring, keyed by lead id. The Flink side of it (state, timers, what the prioritizer is told);
 * the maths is plain Java in {@link dev.leadflow.scoring}.
 */
package dev.leadflow.job.scoring;
