package io.ringtrain.engine.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmarks' shared output: the median of timed rounds and the one JSON line per measurement. */
final class BenchLine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchLine() {}

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Prints {@code {"bench","params","metric","ours","reference","ratio"}}; ratio is null when not comparable. */
    static void print(String bench, Map<String, Object> params, String metric, Object ours, Object reference, Double ratio)
            throws JsonProcessingException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", bench);
        line.put("params", params);
        line.put("metric", metric);
        line.put("ours", ours);
        line.put("reference", reference);
        line.put("ratio", ratio);
        System.out.println(JSON.writeValueAsString(line));
    }
}
