package dev.medforge.contracts.registry;

import jakarta.ws.rs.GET;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client retries at class level, so a change that the registry may have made before its answer
 * was lost would be made twice unless the method opts out. This keeps a new change method from
 * forgetting to: every method that is not a GET must carry {@code @Retry(maxRetries = 0)}.
 */
class RegistryClientRetryRuleTest {

    @Test
    void everyChangeOptsOutOfTheRetryAndEveryReadKeepsIt() {
        List<Method> methods = Arrays.stream(RegistryClient.class.getDeclaredMethods()).filter(m -> !m.isSynthetic()).toList();
        List<String> changesThatRetry = methods.stream()
                .filter(m -> !m.isAnnotationPresent(GET.class))
                .filter(m -> m.getAnnotation(Retry.class) == null || m.getAnnotation(Retry.class).maxRetries() != 0)
                .map(Method::getName).toList();
        assertEquals(List.of(), changesThatRetry, "change methods that would be retried");
        List<String> readsWithoutRetry = methods.stream()
                .filter(m -> m.isAnnotationPresent(GET.class) && m.isAnnotationPresent(Retry.class))
                .map(Method::getName).toList();
        assertEquals(List.of(), readsWithoutRetry, "reads that override the class-level retry");
        assertTrue(methods.stream().filter(m -> !m.isAnnotationPresent(GET.class)).count() >= 9, "the change methods were found");
        assertEquals(2, RegistryClient.class.getAnnotation(Retry.class).maxRetries());
    }
}
