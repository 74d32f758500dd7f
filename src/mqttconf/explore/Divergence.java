package mqttconf.explore;

/**
 * A server packet (or its absence) that no behaviour the standard allows explains: the statement it breaks, what
 * the model allowed and what was observed. Topics in the texts are relative to the sequence's base.
 */
public record Divergence(String statement, String expected, String observed) {
    /** What makes two divergences the same: the statement and the first words of the expectation (before names and numbers). */
    public String signature() {
        String[] words = expected.split(" ");
        StringBuilder s = new StringBuilder(statement);
        for (int i = 0; i < Math.min(3, words.length); i++) s.append(' ').append(words[i].replaceAll("[0-9]+", "N"));
        return s.toString();
    }

    @Override
    public String toString() {
        return "expected " + expected + " [" + statement + "]; observed " + observed;
    }
}
