package io.ringtrain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ringtrain.jobs.cli.RingtrainCli;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment files are text that no build here can execute (no container engine, no Kubernetes,
 * no Airflow): check that they parse and that they name the class, jar and sub-commands that exist.
 */
class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Path root = ProjectFiles.root();

    private List<JsonNode> yamlDocuments(String file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(root.resolve(file).toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) docs.add(doc);
            }
        }
        return docs;
    }

    private static Map<String, JsonNode> byKind(List<JsonNode> docs) {
        return docs.stream().collect(Collectors.toMap(d -> d.path("kind").asText(), d -> d));
    }

    @Test
    void theMainClassAndTheSubCommandsTheFilesUseExist() {
        var sub = new CommandLine(new RingtrainCli()).getSubcommands().keySet();
        assertTrue(sub.containsAll(List.of("train", "retrain")), "sub-commands: " + sub);
        assertEquals(ProjectFiles.MAIN_CLASS, RingtrainCli.class.getName());
    }

    @Test
    void everyKubernetesManifestParsesAndNamesItsKindAndName() throws IOException {
        try (var files = Files.list(root.resolve("deploy/k8s"))) {
            List<Path> manifests = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertTrue(manifests.size() >= 2, "expected the RBAC and CronJob manifests, found " + manifests);
            for (Path m : manifests) {
                for (JsonNode doc : yamlDocuments(root.relativize(m).toString())) {
                    assertTrue(doc.path("apiVersion").isTextual() && doc.path("kind").isTextual(), m + ": a document without apiVersion/kind: " + doc);
                    assertTrue(doc.path("metadata").path("name").isTextual(), m + ": " + doc.path("kind").asText() + " without metadata.name");
                }
            }
        }
    }

    @Test
    void theRbacBindsTheDriverServiceAccountToARoleThatManagesExecutorPods() throws IOException {
        Map<String, JsonNode> rbac = byKind(yamlDocuments("deploy/k8s/rbac.yaml"));
        String account = rbac.get("ServiceAccount").path("metadata").path("name").asText();
        JsonNode binding = rbac.get("RoleBinding");
        assertEquals(account, binding.path("subjects").get(0).path("name").asText());
        assertEquals(rbac.get("Role").path("metadata").path("name").asText(), binding.path("roleRef").path("name").asText());
        JsonNode rule = rbac.get("Role").path("rules").get(0);
        assertTrue(rule.path("resources").toString().contains("\"pods\"") && rule.path("verbs").toString().contains("\"create\""));
    }

    @Test
    void theCronJobRunsRetrainFromTheImageJarOneAtATime() throws IOException {
        JsonNode cron = byKind(yamlDocuments("deploy/k8s/retrain-cronjob.yaml")).get("CronJob");
        assertEquals("batch/v1", cron.path("apiVersion").asText());
        assertTrue(cron.path("spec").path("schedule").asText().matches("(\\S+\\s+){4}\\S+"), "a 5-field schedule");
        assertEquals("Forbid", cron.path("spec").path("concurrencyPolicy").asText(), "the registry assumes one writer");
        JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        assertEquals("Never", pod.path("restartPolicy").asText());
        String account = byKind(yamlDocuments("deploy/k8s/rbac.yaml")).get("ServiceAccount").path("metadata").path("name").asText();
        assertEquals(account, pod.path("serviceAccountName").asText());
        String command = pod.path("containers").get(0).path("command").toString() + pod.path("containers").get(0).path("args").toString();
        assertTrue(command.contains("--class " + ProjectFiles.MAIN_CLASS), command);
        assertTrue(command.contains("local://" + ProjectFiles.IMAGE_JAR), command);
        assertTrue(Pattern.compile("\\bretrain\\b[\\s\\\\n]+--dataset").matcher(command).find(), "runs the retrain sub-command: " + command);
        assertTrue(command.contains("jdk.incubator.vector"));
    }

    @Test
    void theKubernetesSubmitScriptNamesTheClassAndTheImageJarAndIsValidBash() throws Exception {
        String script = Files.readString(root.resolve("deploy/k8s/spark-submit-k8s.sh"));
        assertTrue(script.contains("--class io.ringtrain.jobs.cli.RingtrainCli"));
        assertTrue(script.contains("local://" + ProjectFiles.IMAGE_JAR));
        assertTrue(script.contains("--deploy-mode cluster") && script.contains("spark.kubernetes.container.image"));
        assertEquals(0, run(List.of("bash", "-n", root.resolve("deploy/k8s/spark-submit-k8s.sh").toString())));
    }

    @Test
    void theDockerfileBuildsOnAnOfficialSpark4Java17ImageWithOurJarAndTheVectorFlag() throws IOException {
        String dockerfile = Files.readString(root.resolve("deploy/docker/Dockerfile"));
        Matcher base = Pattern.compile("ARG SPARK_IMAGE=(\\S+)").matcher(dockerfile);
        assertTrue(base.find(), "the base image is an ARG");
        assertTrue(base.group(1).matches("apache/spark:4\\.\\d+\\.\\d+-scala2\\.13-java17-\\w+"), "base image " + base.group(1));
        assertTrue(dockerfile.contains("FROM ${SPARK_IMAGE}"));
        Matcher copy = Pattern.compile("COPY (\\S+) (\\S+)").matcher(dockerfile);
        assertTrue(copy.find());
        assertEquals("deploy/target/ringtrain.jar", copy.group(1), "copies the shaded jar the build writes");
        assertEquals(ProjectFiles.IMAGE_JAR, copy.group(2), "where the Kubernetes files look for it");
        assertTrue(dockerfile.contains("RINGTRAIN_MAIN_CLASS=" + ProjectFiles.MAIN_CLASS));
        assertTrue(dockerfile.contains("spark.executor.extraJavaOptions --add-modules jdk.incubator.vector"));
        assertTrue(Files.readString(root.resolve("deploy/pom.xml")).contains("<finalName>ringtrain</finalName>"), "the shaded jar is ringtrain.jar");
    }

    @Test
    void theAirflowDagIsValidPythonAndRunsRetrainThroughTheWrapper(@TempDir Path tmp) throws Exception {
        Path dag = root.resolve("deploy/airflow/ringtrain_retrain_dag.py");
        String text = Files.readString(dag);
        assertTrue(text.contains("deploy/bin/ringtrain") && text.contains("-- retrain") && text.contains("skip_on_exit_code=10"));
        String python = ProjectFiles.python3();
        Assumptions.assumeTrue(python != null, "no python3 on this machine: the DAG's syntax is not checked (Airflow itself is never needed)");
        int status = run(List.of(python, "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
                dag.toString(), tmp.resolve("dag.pyc").toString()));
        assertEquals(0, status, "python3 -m py_compile " + dag);
    }

    @Test
    void theCronLinesHaveFiveTimeFieldsAUserAndRunRetrain() throws IOException {
        List<String> entries = Files.readAllLines(root.resolve("deploy/cron/ringtrain-retrain.cron")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.matches("[A-Z_]+=.*")).toList();
        assertFalse(entries.isEmpty());
        Pattern field = Pattern.compile("(\\*|\\d+(-\\d+)?)(/\\d+)?(,(\\d+(-\\d+)?))*");
        for (String line : entries) {
            String[] parts = line.trim().split("\\s+", 7);
            assertEquals(7, parts.length, "minute hour day month weekday user command: " + line);
            for (int i = 0; i < 5; i++) assertTrue(field.matcher(parts[i]).matches(), "time field " + (i + 1) + " '" + parts[i] + "' in " + line);
            assertTrue(parts[6].contains("deploy/bin/ringtrain") && parts[6].contains(" retrain "), line);
        }
    }

    @Test
    void everyLauncherIsValidBash() throws Exception {
        try (var files = Files.list(root.resolve("deploy/bin"))) {
            for (Path script : files.toList()) {
                // commands are executable; the libraries they source end with .sh
                assertTrue(Files.isExecutable(script) || script.toString().endsWith(".sh"), script + " is not executable");
                assertEquals(0, run(List.of("bash", "-n", script.toString())), "bash -n " + script);
            }
        }
    }

    private static int run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor();
    }
}
