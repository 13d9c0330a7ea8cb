/**
 * The control stream, broadcast to every stateful operator: new scoring models, erasure requests and queue
 * rebuilds, read from the control topics outside event time.
 */
package dev.leadflow.job.control;
