package dev.medforge.gateway;

import dev.medforge.gateway.service.HostResolver;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's resolver in tests: names under {@code .medforge.test} answer what a test told them,
 * one answer per lookup with the last one repeating, as a rebinding name server would; every other
 * host goes to the JVM's resolver. The {@code .test} domain is reserved, so the HTTP client, which
 * asks the real resolver, can never reach such a name: a test registers public-looking webhooks
 * without anything leaving the machine.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestNameServer implements HostResolver {

    public static final String DOMAIN = ".medforge.test";

    private final HostResolver jvm = new HostResolver.Jvm();
    private final Map<String, Deque<String>> answers = new ConcurrentHashMap<>();

    /** From now on, {@code host} resolves to each address in turn, then to the last one for good. */
    public void answer(String host, String... addresses) {
        answers.put(host, new ArrayDeque<>(List.of(addresses)));
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        if (!host.endsWith(DOMAIN)) {
            return jvm.resolve(host);
        }
        Deque<String> queue = answers.get(host);
        if (queue == null) {
            throw new UnknownHostException(host);
        }
        synchronized (queue) {
            String address = queue.size() > 1 ? queue.removeFirst() : queue.getFirst();
            return List.of(InetAddress.getByName(address));
        }
    }
}
