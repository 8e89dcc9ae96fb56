package io.ringtrain.jobs.train;

import io.ringtrain.allreduce.Compression;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainJobConfigTest {
    @Test
    void gradientCompressionMapsOntoTheReplicaOptionsAndRejectsUnknownValues() {
        TrainJobConfig config = new TrainJobConfig();
        config.input.data = "somewhere";
        assertEquals(Compression.NONE, TrainingSetup.replicaOptions(config).gradientCompression());
        config.gradientCompression = GradientCompression.parse("bf16");
        config.validate();
        assertEquals(Compression.BF16, TrainingSetup.replicaOptions(config).gradientCompression());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientCompression.parse("fp16"));
        assertEquals("training setting 'gradientCompression' = fp16 is invalid: expected none or bf16", e.getMessage());
    }

    @Test
    void textSettingsKeepTheirFlatKeysAndAMisspeltKeyIsStillRefused() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        TrainJobConfig read = json.readValue("{\"lr\":0.2,\"seqLen\":128,\"prompt\":\"Once\",\"temperature\":0}", TrainJobConfig.class);
        assertEquals(0.2, read.optimization.lr);
        assertEquals(128, read.text.seqLen);
        assertEquals("Once", read.text.prompt);
        assertEquals(0.0, read.text.temperature);
        assertEquals(256, read.text.hiddenSize, "keys not given keep their defaults");
        var written = json.valueToTree(read);
        assertEquals(128, written.path("seqLen").asInt());
        assertFalse(written.has("text"), written.toString());
        assertEquals(0.2, written.path("lr").asDouble());
        assertFalse(written.has("optimization"), written.toString());
        assertEquals(128, json.treeToValue(written, TrainJobConfig.class).text.seqLen, "config.json reads back");
        for (String misspelt : new String[] {"seqLength", "learningRate"}) {
            var e = assertThrows(com.fasterxml.jackson.databind.JsonMappingException.class,
                    () -> json.readValue("{\"" + misspelt + "\":3}", TrainJobConfig.class));
            assertTrue(e.getMessage().contains("unknown training setting '" + misspelt + "'"), e.getMessage());
        }
    }

    @Test
    void closedSettingsReadAndWriteTheirLowerCaseNamesAndAMissingOneIsRefused() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        TrainJobConfig read = json.readValue("{\"optimizer\":\"adamw\",\"schedule\":\"step\",\"sharding\":\"streaming\","
                + "\"onBadRecord\":\"skip\",\"gradientCompression\":\"bf16\"}", TrainJobConfig.class);
        assertEquals(OptimizerChoice.ADAMW, read.optimization.optimizer);
        assertEquals(ScheduleChoice.STEP, read.optimization.schedule);
        assertEquals(Sharding.STREAMING, read.input.sharding);
        assertEquals(BadRecordPolicy.SKIP, read.input.onBadRecord);
        assertEquals(GradientCompression.BF16, read.gradientCompression);
        var written = json.valueToTree(read); // config.json and the retraining snapshot keep the names users write
        assertEquals("adamw", written.path("optimizer").asText());
        assertEquals("step", written.path("schedule").asText());
        assertEquals("streaming", written.path("sharding").asText());
        assertEquals("skip", written.path("onBadRecord").asText());
        assertEquals("bf16", written.path("gradientCompression").asText());
        var unknown = assertThrows(com.fasterxml.jackson.databind.JsonMappingException.class,
                () -> json.readValue("{\"schedule\":\"linear\"}", TrainJobConfig.class));
        assertTrue(unknown.getMessage().contains("training setting 'schedule' = linear is invalid: expected cosine, step or constant"), unknown.getMessage());
        TrainJobConfig missing = json.readValue("{\"sharding\":null,\"data\":\"somewhere\"}", TrainJobConfig.class);
        assertEquals("training setting 'sharding' = null is invalid: expected replicated, partitioned or streaming", refusal(missing));
    }

    @Test
    void classNamesMustBeDistinctAndNoMoreThanTheClassCount() {
        TrainJobConfig config = new TrainJobConfig();
        config.input.data = "somewhere";
        config.model.name = "mlp"; // fmnist-cnn has 10 classes
        config.input.numClasses = 3;
        config.input.classNames = java.util.List.of("cat", "dog", "cat");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(twice.getMessage().contains("classNames") && twice.getMessage().contains("at most numClasses (3) distinct"), twice.getMessage());
        config.input.classNames = java.util.List.of("cat", "dog", "bird", "fish");
        assertTrue(assertThrows(IllegalArgumentException.class, config::validate).getMessage().contains("classNames"));
        config.input.classNames = java.util.List.of("cat", "dog", "bird");
        config.validate();
    }

    private static TrainJobConfig valid() {
        TrainJobConfig config = new TrainJobConfig();
        config.input.data = "somewhere";
        return config;
    }

    private static String refusal(TrainJobConfig config) {
        return assertThrows(IllegalArgumentException.class, config::validate).getMessage();
    }

    @Test
    void theModelAndWhetherItTakesTheInputShapeAreCheckedWithTheSettings() {
        valid().validate();
        TrainJobConfig unknown = valid();
        unknown.model.name = "resnet51";
        assertTrue(refusal(unknown).contains("unknown model 'resnet51'"), refusal(unknown));
        TrainJobConfig colour = valid();
        colour.input.inputShape = new int[] {3, 32, 32};
        assertTrue(refusal(colour).contains("fmnist-cnn takes [1, 28, 28] images"), refusal(colour));
        colour.model.name = "small-resnet";
        colour.validate();
    }

    @Test
    void nonFiniteNumbersAreRefusedNamingTheKey() {
        TrainJobConfig lr = valid();
        lr.optimization.lr = Double.POSITIVE_INFINITY;
        assertTrue(refusal(lr).startsWith("training setting 'lr' = Infinity is invalid"), refusal(lr));
        TrainJobConfig momentum = valid();
        momentum.optimization.momentum = Double.NaN;
        assertTrue(refusal(momentum).startsWith("training setting 'momentum' = NaN is invalid"), refusal(momentum));
        TrainJobConfig std = valid();
        std.input.mean = new float[] {0.3f};
        std.input.std = new float[] {0f};
        assertTrue(refusal(std).contains("'mean/std'") && refusal(std).contains("std > 0"), refusal(std));
        TrainJobConfig temperature = valid();
        temperature.model.name = "char-lstm";
        temperature.input.format = io.ringtrain.jobs.train.InputSettings.format("text");
        temperature.text.temperature = Double.POSITIVE_INFINITY;
        assertTrue(refusal(temperature).contains("'temperature' = Infinity"), refusal(temperature));
    }

    @Test
    void aStopAtAccuracyTargetIsAFractionInTheUnitInterval() {
        for (double bad : new double[] {0, -0.1, 1.01, 90.5, Double.NaN}) {
            TrainJobConfig c = valid();
            c.stopAtAccuracy = bad;
            assertTrue(refusal(c).startsWith("training setting 'stopAtAccuracy' = " + bad + " is invalid: expected a fraction in (0, 1]"), refusal(c));
        }
        TrainJobConfig c = valid();
        c.stopAtAccuracy = 1.0;
        c.validate();
    }

    @Test
    void nesterovNeedsSgdWithMomentumAsInPyTorch() {
        TrainJobConfig adamw = valid();
        adamw.optimization.nesterov = true;
        adamw.validate();
        adamw.optimization.optimizer = OptimizerChoice.ADAMW;
        assertTrue(refusal(adamw).contains("'nesterov' = true"), refusal(adamw));
        TrainJobConfig noMomentum = valid();
        noMomentum.optimization.nesterov = true;
        noMomentum.optimization.momentum = 0;
        assertTrue(refusal(noMomentum).contains("momentum > 0"), refusal(noMomentum));
    }

    @Test
    void minReplicasDefaultsToReplicasAndMustLieBetweenOneAndReplicas() {
        TrainJobConfig c = valid();
        c.replicas = 3;
        assertEquals(3, ElasticReplicas.minReplicas(c));
        c.recovery.minReplicas = 4;
        assertTrue(refusal(c).contains("'minReplicas' = 4 is invalid: expected in [1, replicas = 3]"), refusal(c));
        c.recovery.minReplicas = 0;
        assertTrue(refusal(c).contains("'minReplicas' = 0"), refusal(c));
        c.recovery.minReplicas = 2;
        c.validate();
    }

    @Test
    void elasticWaitAndGrowAreRefusedWhenTheJobCannotShrink() {
        TrainJobConfig wait = valid();
        wait.recovery.elasticWaitSeconds = 10;
        assertTrue(refusal(wait).contains("'elasticWaitSeconds' = 10 is invalid: expected unset unless minReplicas is below replicas"), refusal(wait));
        TrainJobConfig grow = valid();
        grow.recovery.elasticGrow = true;
        grow.recovery.minReplicas = grow.replicas;
        assertTrue(refusal(grow).contains("'elasticGrow' = true is invalid: expected false unless minReplicas is below replicas"), refusal(grow));
        grow.recovery.minReplicas = 1;
        grow.recovery.elasticWaitSeconds = 0;
        grow.validate();
        grow.recovery.elasticWaitSeconds = -1;
        assertTrue(refusal(grow).contains("'elasticWaitSeconds' = -1"), refusal(grow));
    }

    @Test
    void aReplicaRangeThatCannotKeepTheGlobalBatchExactlyIsRefusedNamingTheCount() {
        TrainJobConfig c = valid();
        c.replicas = 4;
        c.batchSize = 8; // 32 samples: 3 replicas would need 10.67 each
        c.recovery.minReplicas = 2;
        String refused = refusal(c);
        assertTrue(refused.contains("'minReplicas' = 2") && refused.contains("4 × 8 = 32") && refused.contains("but 3 replicas cannot"), refused);
        assertEquals(1, refused.lines().count());
        c.recovery.minReplicas = 4;
        c.validate();
        c.batchSize = 6; // 24 = 2 × 12 = 3 × 8 = 4 × 6
        c.recovery.minReplicas = 2;
        c.validate();
    }

    @Test
    void shrinkingIsRefusedWhereFewerReplicasWouldTrainSomethingElse() {
        TrainJobConfig partitioned = valid();
        partitioned.recovery.minReplicas = 1;
        partitioned.input.sharding = Sharding.PARTITIONED;
        assertTrue(refusal(partitioned).contains("'sharding' = partitioned is invalid: expected replicated when minReplicas is below replicas"),
                refusal(partitioned));
        TrainJobConfig perReplicaNorm = valid();
        perReplicaNorm.recovery.minReplicas = 1;
        perReplicaNorm.syncBatchNorm = false;
        assertTrue(refusal(perReplicaNorm).contains("'syncBatchNorm' = false is invalid"), refusal(perReplicaNorm));
        perReplicaNorm.recovery.minReplicas = null;
        perReplicaNorm.validate();
    }

    /** A run folder's config.json from before the settings were grouped into parts: flat keys, read into the parts and written back as they were. */
    @Test
    void anOldFlatConfigJsonLoadsIntoThePartsAndWritesTheSameKeysBack() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String old;
        try (java.io.InputStream in = TrainJobConfigTest.class.getResourceAsStream("/run/fmnist-cnn-config.json")) {
            old = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        TrainJobConfig read = json.readValue(old, TrainJobConfig.class);
        assertEquals("fmnist-cnn", read.model.name);
        assertEquals(DeviceSetting.CPU, read.model.device);
        assertEquals(3, read.recovery.keepCheckpoints);
        assertEquals(60, read.recovery.collectiveTimeoutSeconds);
        assertEquals("data/fashion-mnist-sample", read.input.data);
        assertEquals(io.ringtrain.jobs.data.formats.DataFormats.DEFAULT, read.input.format);
        assertEquals(Sharding.REPLICATED, read.input.sharding);
        read.validate();
        com.fasterxml.jackson.databind.JsonNode before = json.readTree(old), after = json.readTree(json.writeValueAsString(read));
        for (String key : (Iterable<String>) before::fieldNames) assertEquals(before.get(key), after.get(key), key);
        for (String part : new String[] {"input", "recovery", "optimization", "text"}) assertFalse(after.has(part), after.toString());
        assertTrue(after.get("model").isTextual(), "the part 'model' is unwrapped; its key 'model' stays the built-in name: " + after);
    }

    @Test
    void aMisspeltKeyOfAGroupedPartIsRefusedByName() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String misspelt : new String[] {"maxAttempt", "minReplica", "modelClas", "initialWeight", "devices", "name", "imageColum", "formats", "input"}) {
            var e = assertThrows(com.fasterxml.jackson.databind.JsonMappingException.class,
                    () -> json.readValue("{\"" + misspelt + "\":3}", TrainJobConfig.class));
            assertTrue(e.getMessage().contains("unknown training setting '" + misspelt + "'"), e.getMessage());
        }
        TrainJobConfig read = json.readValue("{\"modelFactory\":null,\"maxAttempts\":1,\"model\":\"mlp\"}", TrainJobConfig.class);
        assertEquals(1, read.recovery.maxAttempts);
        assertEquals("mlp", read.model.name);
    }

    @Test
    void theDeviceIsParsedWhereItEntersAndWrittenAsTheUserWroteIt() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        TrainJobConfig pinned = json.readValue("{\"device\":\" CUDA:1 \"}", TrainJobConfig.class);
        assertEquals(new io.ringtrain.engine.cuda.DeviceChoice(io.ringtrain.engine.cuda.DeviceChoice.Kind.CUDA, 1), pinned.model.device.choice());
        assertTrue(pinned.model.device.namesOrdinal());
        assertEquals("cuda:1", json.valueToTree(pinned).path("device").asText());
        // cuda and cuda:0 are one DeviceChoice, but only cuda:0 pins GPU 0 over the one Spark assigns: config.json keeps which was asked
        TrainJobConfig assigned = json.readValue("{\"device\":\"gpu\"}", TrainJobConfig.class);
        assertFalse(assigned.model.device.namesOrdinal());
        assertEquals("cuda", json.valueToTree(assigned).path("device").asText());
        TrainJobConfig zero = json.readValue("{\"device\":\"cuda:0\"}", TrainJobConfig.class);
        assertEquals("cuda:0", json.valueToTree(zero).path("device").asText());
        assertFalse(zero.model.device.equals(assigned.model.device));
        var bad = assertThrows(com.fasterxml.jackson.databind.JsonMappingException.class, () -> json.readValue("{\"device\":\"tpu\"}", TrainJobConfig.class));
        assertTrue(bad.getMessage().contains("training setting 'device' = tpu is invalid: expected cpu, cuda, cuda:N or auto"), bad.getMessage());
        TrainJobConfig missing = json.readValue("{\"device\":null,\"data\":\"somewhere\"}", TrainJobConfig.class);
        assertEquals("training setting 'device' = null is invalid: expected cpu, cuda, cuda:N or auto", refusal(missing));
    }

    /** Tasks receive the settings by Java serialisation: the typed device and format arrive as they were set. */
    @Test
    void theTypedSettingsSurviveJavaSerialisation() throws Exception {
        TrainJobConfig c = valid();
        c.model.device = DeviceSetting.parse("cuda");
        c.input.format = InputSettings.format("text-pairs");
        c.recovery.maxAttempts = 7;
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        TrainJobConfig back;
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (TrainJobConfig) in.readObject();
        }
        assertEquals(c.model.device, back.model.device);
        assertFalse(back.model.device.namesOrdinal());
        assertTrue(back.input.format == io.ringtrain.jobs.data.formats.TextFormat.PAIRS, "the registered text-pairs format: " + back.input.format);
        assertEquals(7, back.recovery.maxAttempts);
    }
}
