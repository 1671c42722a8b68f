/** The gateway's live picture of the plant for screens: every channel's state and latest values, decimated history, and the alerts. */
package io.cellwatch.gateway.board;
