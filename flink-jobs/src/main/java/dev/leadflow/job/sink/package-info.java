/**
 * Stage 5: the sinks. Queue actions written to Redis (batched, version-guarded), each action audited on
 * {@code leadflow.handoffs}, erasures confirmed, and the lead JSON sellers see.
 */
package dev.leadflow.job.sink;
