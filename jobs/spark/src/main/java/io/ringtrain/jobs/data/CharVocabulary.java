package io.ringtrain.jobs.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A character-level vocabulary: the sorted distinct characters (Unicode code points) of a text,
 * optionally after special tokens. A language model needs none (id = rank of the character); a
 * seq2seq model has {@link #PAD} = 0, {@link #BOS} = 1, {@link #EOS} = 2 and the characters from 3.
 * Saved as JSON ({@code {"characters": "...", "special_tokens": [...]}}) in the run folder and in the
 * model's metadata, so evaluation and generation decode with the vocabulary the model was trained on.
 */
public final class CharVocabulary implements Serializable {
    public static final int PAD = 0, BOS = 1, EOS = 2;
    private static final List<String> SPECIAL_NAMES = List.of("<pad>", "<bos>", "<eos>");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int[] codePoints;
    private final int specials;

    private CharVocabulary(int[] codePoints, int specials) {
        this.codePoints = codePoints;
        this.specials = specials;
    }

    /** The distinct characters of {@code text}, sorted; with PAD/BOS/EOS first when {@code withSpecials}. */
    public static CharVocabulary of(CharSequence text, boolean withSpecials) {
        TreeSet<Integer> distinct = new TreeSet<>();
        text.codePoints().forEach(distinct::add);
        return new CharVocabulary(distinct.stream().mapToInt(Integer::intValue).toArray(), withSpecials ? SPECIAL_NAMES.size() : 0);
    }

    /** Token count: special tokens plus characters. */
    public int size() {
        return specials + codePoints.length;
    }

    public boolean hasSpecials() {
        return specials > 0;
    }

    public boolean contains(int codePoint) {
        return Arrays.binarySearch(codePoints, codePoint) >= 0;
    }

    /** Token ids of {@code text}; a character outside the vocabulary is an error naming it and {@code where} it occurs. */
    public int[] encode(String text, String where) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int i = 0;
        for (int offset = 0; offset < text.length(); ) {
            int cp = text.codePointAt(offset);
            int rank = Arrays.binarySearch(codePoints, cp);
            if (rank < 0) {
                throw new IllegalArgumentException("character " + describe(cp) + " at character " + i + " of " + where
                        + " is not in the model's vocabulary of " + codePoints.length + " characters (" + preview() + "); "
                        + "remove it or train on data that contains it");
            }
            ids[i++] = specials + rank;
            offset += Character.charCount(cp);
        }
        return ids;
    }

    /** The text of {@code ids}; special tokens are left out. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= size()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + (size() - 1) + "]");
            if (id >= specials) sb.appendCodePoint(codePoints[id - specials]);
        }
        return sb.toString();
    }

    public String toJson() {
        var node = JSON.createObjectNode();
        node.put("characters", new String(codePoints, 0, codePoints.length));
        var names = node.putArray("special_tokens");
        for (int i = 0; i < specials; i++) names.add(SPECIAL_NAMES.get(i));
        return node.toString();
    }

    public static CharVocabulary fromJson(String json, String source) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.hasNonNull("characters")) throw new IllegalArgumentException("no \"characters\"");
            List<String> names = new ArrayList<>();
            node.path("special_tokens").forEach(n -> names.add(n.asText()));
            if (!names.equals(SPECIAL_NAMES.subList(0, names.size()))) {
                throw new IllegalArgumentException("special tokens " + names + " are not a prefix of " + SPECIAL_NAMES);
            }
            return new CharVocabulary(node.get("characters").asText().codePoints().toArray(), names.size());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the vocabulary in " + source + " is unreadable (" + e.getMessage() + "); retrain the model or pass its run folder", e);
        }
    }

    private String preview() {
        String all = new String(codePoints, 0, codePoints.length);
        String shown = all.length() > 40 ? all.substring(0, 40) + "…" : all;
        return jsonString(shown);
    }

    private static String jsonString(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            return s;
        }
    }

    private static String describe(int cp) {
        return jsonString(new String(Character.toChars(cp))) + String.format(" (U+%04X)", cp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharVocabulary v && v.specials == specials && Arrays.equals(v.codePoints, codePoints);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(codePoints) + specials;
    }
}
