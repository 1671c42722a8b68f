/**
 * A real standalone Flink session cluster (JobManager and TaskManager as child JVMs) built from Maven Central
 * artifacts, with job submission over Flink's REST API.
 */
package io.cellwatch.flinkcluster;
