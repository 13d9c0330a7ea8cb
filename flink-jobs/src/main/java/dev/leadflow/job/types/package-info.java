/**
 * Hand-written Flink serializers for the records that cross every network shuffle of the job and
 * fill its largest states ({@link dev.leadflow.scoring.LeadEvent}, {@link dev.leadflow.job.LeadUpdate}).
 * Flink's POJO serializer reads and writes each field by reflection and each string char by
 * char; on the benchmark these two types' (de)serialization was the job's largest single cost.
 * The formats here are fixed field orders with null markers, strings as length-prefixed bytes.
 *
 * <p>Each serializer has its own snapshot class, so checkpoints and savepoints name the format
 * they were written in. Changing a format means a new snapshot version that can still read the
 * old one; never reorder fields or enum constants in place.
 */
package dev.leadflow.job.types;
