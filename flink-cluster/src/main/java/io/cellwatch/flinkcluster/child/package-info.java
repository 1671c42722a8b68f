/** Main class of the cluster's child JVMs (internal: copied out of the jar, depends on the JDK only). */
package io.cellwatch.flinkcluster.child;
