package dev.medforge.gateway.service;

import java.util.Arrays;
import java.util.Optional;

/**
 * The address ranges a webhook must not reach: those that lead to this host, its private network
 * or a provider's metadata service rather than to a subscriber on the internet. Decided on the raw
 * bytes, so that an IPv4 address written inside an IPv6 one is judged as the IPv4 address it is.
 */
final class InternalAddresses {

    private InternalAddresses() {
    }

    /** The internal range the address lies in, in words, or empty for a public address. */
    static Optional<String> rangeOf(byte[] address) {
        return address.length == 4 ? ipv4(address) : ipv6(address);
    }

    private static Optional<String> ipv4(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (first == 0) {
            return Optional.of("an unspecified address (0.0.0.0/8)");
        } else if (first == 127) {
            return Optional.of("a loopback address (127.0.0.0/8)");
        } else if (first == 10 || first == 172 && (second & 0xf0) == 16 || first == 192 && second == 168) {
            return Optional.of("a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
        } else if (first == 100 && (second & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT address (100.64.0.0/10)");
        } else if (first == 169 && second == 254) {
            return Optional.of("a link-local address (169.254.0.0/16, cloud metadata services included)");
        } else if (first >= 224 && first < 240) {
            return Optional.of("a multicast address (224.0.0.0/4)");
        } else if (first >= 240) {
            return Optional.of("a reserved or broadcast address (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        if (isZero(a, 0, 15) && (a[15] == 0 || a[15] == 1)) {
            return Optional.of(a[15] == 0 ? "an unspecified address (::)" : "a loopback address (::1)");
        } else if (isZero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
            return embedded(a, "IPv4-mapped");
        } else if (isZero(a, 0, 12)) {
            return embedded(a, "IPv4-compatible");
        } else if (first == 0x00 && second == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b && isZero(a, 4, 12)) {
            return embedded(a, "NAT64 (64:ff9b::/96)");
        } else if ((first & 0xfe) == 0xfc) {
            return Optional.of("a unique local address (fc00::/7)");
        } else if (first == 0xfe && (second & 0xc0) == 0x80) {
            return Optional.of("a link-local address (fe80::/10)");
        } else if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return Optional.of("a site-local address (fec0::/10)");
        } else if (first == 0xff) {
            return Optional.of("a multicast address (ff00::/8)");
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(byte[] a, String form) {
        return ipv4(Arrays.copyOfRange(a, 12, 16)).map(range -> form + " " + range);
    }

    private static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
