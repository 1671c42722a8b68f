/** TLS for the rig and HTTP ports: PEM certificate and key from configuration, JDK provider, handshake accounting. */
package io.cellwatch.gateway.tls;
