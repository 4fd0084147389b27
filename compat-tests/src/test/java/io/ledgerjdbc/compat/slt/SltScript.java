package io.ledgerjdbc.compat.slt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One sqllogictest script (the format of SQLite's public-domain SQL conformance corpus): records separated
 * by blank lines, {@code statement ok|error}, {@code query <types> <sort> [label]} with expected results after
 * {@code ----} (values, or "N values hashing to MD5"), and {@code skipif}/{@code onlyif <engine>} conditions.
 */
public record SltScript(String name, List<Record> records) {

    public sealed interface Record {
        String sql();

        int line();
    }

    public record Statement(String sql, boolean expectOk, int line) implements Record {
    }

    /**
     * @param types    one letter per column: I integer, R real, T text
     * @param sort     nosort, rowsort or valuesort
     * @param expected the expected values, or null when only {@code hash} is given
     */
    public record Query(String sql, String types, String sort, List<String> expected, int valueCount, String hash, int line)
            implements Record {
    }

    /** Parses {@code in}, keeping the records meant for {@code engine} (e.g. "sqlite"). */
    public static SltScript parse(String name, InputStream in, String engine) throws IOException {
        List<Record> records = new ArrayList<>();
        List<String> block = new ArrayList<>();
        int blockLine = 0;
        int lineNo = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); ; line = r.readLine()) {
                lineNo++;
                boolean end = line == null || line.isBlank();
                if (!end) {
                    if (block.isEmpty()) blockLine = lineNo;
                    if (!line.startsWith("#")) block.add(line);
                    continue;
                }
                if (!block.isEmpty() && !record(block, blockLine, engine, records)) {
                    break; // halt
                }
                block.clear();
                if (line == null) break;
            }
        }
        return new SltScript(name, records);
    }

    /** Adds the record in {@code block}; false on a {@code halt} that applies. */
    private static boolean record(List<String> block, int line, String engine, List<Record> out) {
        int i = 0;
        boolean applies = true;
        while (i < block.size() && (block.get(i).startsWith("skipif ") || block.get(i).startsWith("onlyif "))) {
            String[] w = block.get(i).split("\\s+");
            boolean match = w.length > 1 && w[1].equals(engine);
            applies &= w[0].equals("skipif") ? !match : match;
            i++;
        }
        if (i >= block.size()) return true;
        String head = block.get(i).strip();
        if (head.equals("halt")) return !applies;
        if (!applies || head.startsWith("hash-threshold")) return true;
        String[] w = head.split("\\s+");
        if (w[0].equals("statement")) {
            out.add(new Statement(String.join("\n", block.subList(i + 1, block.size())), w[1].equals("ok"), line));
        } else if (w[0].equals("query")) {
            int sep = block.indexOf("----");
            List<String> sqlLines = block.subList(i + 1, sep < 0 ? block.size() : sep);
            List<String> results = sep < 0 ? List.of() : block.subList(sep + 1, block.size());
            String sort = w.length > 2 ? w[2] : "nosort";
            if (results.size() == 1 && results.get(0).contains(" values hashing to ")) {
                String[] h = results.get(0).strip().split(" ");
                out.add(new Query(String.join("\n", sqlLines), w[1], sort, null, Integer.parseInt(h[0]), h[h.length - 1], line));
            } else {
                List<String> values = new ArrayList<>(results); // one value per line (text values may hold spaces)
                out.add(new Query(String.join("\n", sqlLines), w[1], sort, values, values.size(), null, line));
            }
        }
        return true;
    }
}
