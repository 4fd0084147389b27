package io.ledgerjdbc.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's option table lists exactly the options the driver accepts, with their defaults. */
class OptionTableTest {

    @Test
    void readmeOptionTableMatchesTheDriver() throws Exception {
        Path readme = Path.of(System.getProperty("ledgerjdbc.root", "..")).resolve("README.md");
        String text = Files.readString(readme);
        String section = text.substring(text.indexOf("## Options"), text.indexOf("## CLI"));
        Matcher m = Pattern.compile("(?m)^\\| `(ledger\\.[A-Za-z.]+)` \\| (.*?) \\|").matcher(section);
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            String def = m.group(2).replace("`", "").replace("—", "");
            documented.add(m.group(1) + "=" + def.strip());
        }
        List<String> actual = Arrays.stream(LedgerOption.values()).map(o -> o.key + "=" + o.defaultValue).toList();
        assertThat(documented).containsExactlyElementsOf(actual);
    }
}
