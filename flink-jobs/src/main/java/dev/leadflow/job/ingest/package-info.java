/**
 * Stage 1 of the scoring job: the input topics decoded into {@link dev.leadflow.scoring.LeadEvent}s, what cannot be
 * decoded routed to the dead-letter topic with its position, and event-time watermarks that follow the wall clock
 * when every stream is quiet.
 */
package dev.leadflow.job.ingest;
