package dev.medforge.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a URL host into the addresses a connection to it would reach. A seam of its own so that a
 * test can play a name server whose answer changes between registration and delivery.
 */
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * The JVM's resolver, the one the HTTP client connects through. The JVM caches a successful
     * lookup (30 s by default), so a check made just before sending sees the address the client
     * then connects to.
     */
    @ApplicationScoped
    class Jvm implements HostResolver {

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            return List.of(InetAddress.getAllByName(host));
        }
    }
}
