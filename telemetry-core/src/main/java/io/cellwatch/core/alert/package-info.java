/** Alerts: the durable record of a stop condition, its class, the action asked of the rig, and its JSON form. */
package io.cellwatch.core.alert;
