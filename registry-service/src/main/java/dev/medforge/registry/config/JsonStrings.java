package dev.medforge.registry.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.ControlCharacters;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Strings in request bodies go into PostgreSQL text columns, which cannot hold a NUL byte. */
@Singleton
public class JsonStrings implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(ControlCharacters.jacksonModule());
    }
}
