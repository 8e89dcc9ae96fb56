package io.ringtrain.jobs.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JSON the data layer writes (the shard manifest, the skipped-records line) is written by Jackson and reads back whole. */
class RecordedJsonTest {
    @Test
    void theShardManifestReadsBackAsWrittenWhateverTheFingerprintHolds() throws Exception {
        StreamingShards.Manifest written = new StreamingShards.Manifest(4, 250, 997, 3, "parquet \"data\\daily\" seed=7");

        StreamingShards.Manifest read = new ObjectMapper().readValue(written.toJson(), StreamingShards.Manifest.class);

        assertEquals(written, read);
        assertEquals(250, new ObjectMapper().readTree(written.toJson()).get("per_shard").asLong());
    }

    @Test
    void theSkippedRecordsLineIsOneJsonObjectWithEveryCount() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("corrupt_image", 2L);
        counts.put("label_out_of_range", 0L);
        BadRecords.Skipped skipped = new BadRecords.Skipped("train", 120, counts, Map.of("corrupt_image", List.of("a.png")), "not a PNG");

        JsonNode line = new ObjectMapper().readTree(skipped.metricsLine());

        assertEquals("skipped_records", line.get("type").asText());
        assertEquals("train", line.get("split").asText());
        assertEquals(120, line.get("total").asLong());
        assertEquals(2, line.get("skipped").asLong());
        assertEquals(0, line.get("label_out_of_range").asLong());
    }
}
