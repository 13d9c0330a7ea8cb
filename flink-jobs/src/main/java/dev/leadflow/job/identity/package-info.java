/**
 * Stage 2: identity stitching, keyed by anonymous id. A visitor's anonymous clicks are held until an event names
 * the lead, then released to it with their original times.
 */
package dev.leadflow.job.identity;
