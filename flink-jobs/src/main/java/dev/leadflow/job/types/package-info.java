/**
 * Hand-written Flink serializers for the records that cross every network shuffle of the job and
 * fill its largest states ({@link dev.leadflow.scoring.LeadEvent}, {@link dev.leadflow.job.scoring.LeadUpdate}).
 * Flink's POJO serializer reads and writes each field by reflection and each string char by
 * char; on the benchmark these two types' (de)serialization was the job's largest single cost.
 * The formats here are fixed field orders with null markers, strings as length-prefixed bytes.
 *
 * <p>Each serializer has its own snapshot class ({@link dev.leadflow.job.types.FormatSnapshot}), so
 * checkpoints and savepoints name the numbered format they were written in, and every release reads
 * every earlier format. Changing a format means a new number and a reader for the old one; enum
 * constants are written by a fixed code ({@link dev.leadflow.job.types.EnumCodes}), not their ordinal.
 */
package dev.leadflow.job.types;
