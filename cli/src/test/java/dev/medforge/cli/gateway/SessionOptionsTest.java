package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionOptionsTest {

    @Test
    void theConfigDirectoryFollowsMedforgeConfigDirThenXdgConfigHomeThenDotConfig() {
        assertEquals(Path.of("/srv/mf"), SessionOptions.defaultConfigDir(
                Map.of("MEDFORGE_CONFIG_DIR", "/srv/mf", "XDG_CONFIG_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/xdg/medforge"), SessionOptions.defaultConfigDir(Map.of("XDG_CONFIG_HOME", "/xdg"), "/home/u"));
        assertEquals(Path.of("/home/u/.config/medforge"), SessionOptions.defaultConfigDir(Map.of(), "/home/u"));
    }

    @Test
    void aRelativeXdgConfigHomeIsIgnoredAsTheBaseDirectorySpecificationSays() {
        assertEquals(Path.of("/home/u/.config/medforge"), SessionOptions.defaultConfigDir(Map.of("XDG_CONFIG_HOME", "rel/dir"), "/home/u"));
    }
}
