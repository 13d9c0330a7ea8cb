/**
 * Stage 4: the account prioritizer, keyed by account. The buying committee, queue priorities, and the queue
 * actions ({@link dev.leadflow.job.account.HandoffCommand}) the sinks carry out.
 */
package dev.leadflow.job.account;
