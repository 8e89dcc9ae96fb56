package io.ringtrain.jobs.retrain;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest {
    @TempDir
    Path dir;

    private ModelRegistry registry() {
        return new ModelRegistry(dir.resolve("registry").toString(), new Configuration());
    }

    private static Map<String, byte[]> files(String runKey) {
        return Map.of("model.safetensors", new byte[] {1, 2, 3}, "version.json",
                ("{\"run_key\":\"" + runKey + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void versionsAreNumberedInOrderAndFoundByTheirRun() {
        ModelRegistry r = registry();
        assertEquals("v0001", r.nextVersion());
        r.writeVersion("v0001", files("a"));
        r.writeVersion(r.nextVersion(), files("b"));
        assertEquals(List.of("v0001", "v0002"), r.versions());
        assertEquals(Optional.of("v0002"), r.versionOfRun("b"));
        assertEquals(Optional.empty(), r.versionOfRun("c"));
        assertTrue(Files.isRegularFile(dir.resolve("registry/models/v0002/model.safetensors")));
    }

    @Test
    void anExistingVersionIsNeverOverwritten() {
        ModelRegistry r = registry();
        r.writeVersion("v0001", files("a"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.writeVersion("v0001", files("b")));
        assertTrue(e.getMessage().contains("v0001"), e.getMessage());
        assertEquals(Optional.of("v0001"), r.versionOfRun("a"));
    }

    @Test
    void theChampionPointerIsReplacedInPlaceAndLeavesNoSideFiles() throws Exception {
        ModelRegistry r = registry();
        assertEquals(Optional.empty(), r.champion());
        r.writeVersion("v0001", files("a"));
        r.writeVersion("v0002", files("b"));
        r.setChampion("v0001");
        assertEquals(Optional.of("v0001"), r.champion());
        r.setChampion("v0002");
        assertEquals(Optional.of("v0002"), r.champion());
        try (var names = Files.list(dir.resolve("registry"))) {
            assertEquals(List.of("champion", "models"), names.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aPointerAtAMissingVersionIsReportedNotServed() throws Exception {
        ModelRegistry r = registry();
        r.writeVersion("v0001", files("a"));
        Files.writeString(dir.resolve("registry/champion"), "v0007\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, r::champion);
        assertTrue(e.getMessage().contains("v0007") && e.getMessage().contains("v0001"), e.getMessage());
    }

    @Test
    void leftoversOfACrashedRunAreRemoved() throws Exception {
        ModelRegistry r = registry();
        r.writeVersion("v0001", files("a"));
        r.setChampion("v0001");
        Files.writeString(dir.resolve("registry/.champion.tmp-123"), "v0002\n");
        Files.createDirectories(dir.resolve("registry/models/.v0002.tmp-456"));
        r.removeLeftovers();
        assertTrue(Files.notExists(dir.resolve("registry/.champion.tmp-123")));
        assertTrue(Files.notExists(dir.resolve("registry/models/.v0002.tmp-456")));
        assertEquals(Optional.of("v0001"), r.champion());
    }
}
