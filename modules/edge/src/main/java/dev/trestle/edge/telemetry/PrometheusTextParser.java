package dev.trestle.edge.telemetry;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A streaming parser of the Prometheus text exposition format (0.0.4): {@code # HELP} and {@code #
 * TYPE} lines, other comments, blank lines, samples with labels (escapes {@code \\ \" \n} in
 * values; an unknown escape is kept as written, as Prometheus does), values including {@code NaN},
 * {@code +Inf} and {@code -Inf}, optional millisecond timestamps, histograms ({@code _bucket} with
 * {@code le}, {@code _sum}, {@code _count}) and summaries ({@code quantile}).
 *
 * <p>A bad line is refused with its number, what and why, and skipped; the rest of the exposition
 * is still read (unlike Prometheus, which fails the whole scrape: one broken proxy metric must not
 * hide the others). Costs are bounded by {@link ParseLimits}: a line is never held beyond {@code
 * maxLineLength} characters and samples past {@code maxSeries} are counted, not parsed.
 *
 * <p>Why one file of about 500 lines: it is one hand-written scanner over one reused line buffer
 * (the format's grammar: comments, names, label sets with escapes, values, timestamps), and its
 * per-line methods share that buffer's cursor; split into classes they would pass the cursor back
 * and forth on the hot path the scrape benchmark measures (docs/benchmarks.md, scrape).
 */
public final class PrometheusTextParser {
  private final ParseLimits limits;

  public PrometheusTextParser(ParseLimits limits) {
    this.limits = limits;
  }

  public PrometheusTextParser() {
    this(ParseLimits.DEFAULT);
  }

  /** Parses {@code in} to its end, handing each accepted sample to {@code consumer}. */
  public ParseReport parse(Reader in, SampleConsumer consumer) throws IOException {
    var run = new Run(consumer);
    run.readAll(in);
    return run.report();
  }

  public ParseReport parse(String text, SampleConsumer consumer) {
    try {
      return parse(new StringReader(text), consumer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code text} and returns the accepted samples with the report. */
  public Parsed parse(String text) {
    var samples = new ArrayList<Sample>();
    ParseReport report = parse(text, samples::add);
    return new Parsed(samples, report);
  }

  /** Where accepted samples go, in the order of the exposition. */
  @FunctionalInterface
  public interface SampleConsumer {
    void accept(Sample sample);
  }

  /** The samples of a whole exposition with its report. */
  public record Parsed(List<Sample> samples, ParseReport report) {}

  /** Thrown inside the line parser to refuse one line; never escapes the parser. */
  private static final class LineRefused extends Exception {
    final String what;

    LineRefused(String what, String why) {
      super(why, null, false, false);
      this.what = what;
    }
  }

  private final class Run {
    private final SampleConsumer consumer;
    private final char[] line = new char[limits.maxLineLength()];
    private final String[] pairs = new String[2 * limits.maxLabels()];
    private final Map<String, MetricType> types = new HashMap<>();
    private final Map<String, String> help = new HashMap<>();
    private final List<ParseError> firstErrors = new ArrayList<>();
    private final StringBuilder value = new StringBuilder();
    private long lineNo;
    private long samples;
    private long errors;
    private long dropped;
    private int len;
    private int pos;

    Run(SampleConsumer consumer) {
      this.consumer = consumer;
    }

    void readAll(Reader in) throws IOException {
      char[] chunk = new char[8192];
      int length = 0;
      boolean tooLong = false;
      int n;
      while ((n = in.read(chunk)) > 0) {
        for (int i = 0; i < n; i++) {
          char c = chunk[i];
          if (c == '\n') {
            endLine(length, tooLong);
            length = 0;
            tooLong = false;
          } else if (length < line.length) {
            line[length++] = c;
          } else {
            tooLong = true;
          }
        }
      }
      if (length > 0 || tooLong) {
        endLine(length, tooLong);
      }
    }

    private void endLine(int length, boolean tooLong) {
      lineNo++;
      if (tooLong) {
        error(
            "line too long",
            "more than " + limits.maxLineLength() + " characters (the limit); skipped");
        return;
      }
      len = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      pos = 0;
      skipBlanks();
      if (pos == len) {
        return;
      }
      try {
        if (line[pos] == '#') {
          pos++;
          comment();
        } else if (samples >= limits.maxSeries()) {
          dropped++;
        } else {
          sample();
        }
      } catch (LineRefused e) {
        error(e.what, e.getMessage());
      }
    }

    private void comment() throws LineRefused {
      skipBlanks();
      int start = pos;
      while (pos < len && !isBlank(line[pos])) {
        pos++;
      }
      String keyword = new String(line, start, pos - start);
      boolean isHelp = keyword.equals("HELP");
      if (!isHelp && !keyword.equals("TYPE")) {
        return; // any other comment
      }
      if (pos == len) {
        throw new LineRefused("# " + keyword, "no metric name after " + keyword);
      }
      skipBlanks();
      String name = metricName("# " + keyword);
      if (isHelp) {
        if (pos < len && !isBlank(line[pos])) {
          throw refused("# HELP", "metric name " + name);
        }
        skipBlanks();
        if (help.putIfAbsent(name, unescapeHelp()) != null) {
          throw new LineRefused("# HELP", "a second HELP line for " + name);
        }
        return;
      }
      if (pos == len || !isBlank(line[pos])) {
        throw new LineRefused("# TYPE", "expected a blank and a type after " + name);
      }
      skipBlanks();
      int typeStart = pos;
      while (pos < len && !isBlank(line[pos])) {
        pos++;
      }
      String typeText = new String(line, typeStart, pos - typeStart);
      skipBlanks();
      if (pos != len) {
        throw refused("# TYPE", "the type of " + name);
      }
      MetricType type =
          MetricType.parse(typeText)
              .orElseThrow(
                  () ->
                      new LineRefused(
                          "# TYPE",
                          "'"
                              + shorten(typeText)
                              + "' is not a type (counter, gauge, histogram, summary, untyped)"));
      if (types.putIfAbsent(name, type) != null) {
        throw new LineRefused("# TYPE", "a second TYPE line for " + name);
      }
    }

    private String unescapeHelp() {
      value.setLength(0);
      while (pos < len) {
        char c = line[pos++];
        if (c == '\\' && pos < len && (line[pos] == '\\' || line[pos] == 'n')) {
          value.append(line[pos++] == 'n' ? '\n' : '\\');
        } else {
          value.append(c);
        }
      }
      return value.toString();
    }

    private void sample() throws LineRefused {
      String name = metricName("metric name");
      int count = 0;
      if (pos < len && line[pos] == '{') {
        pos++;
        count = labels(name);
      }
      if (pos == len) {
        throw new LineRefused("value", "missing after " + name);
      }
      if (!isBlank(line[pos])) {
        throw refused("value", "the name and labels of " + name);
      }
      skipBlanks();
      double v = value(token(), name);
      long timestamp = Sample.NO_TIMESTAMP;
      skipBlanks();
      if (pos < len) {
        timestamp = timestamp(token());
        skipBlanks();
        if (pos < len) {
          throw refused("timestamp", "the timestamp of " + name);
        }
      }
      Labels labels = Labels.ofPairs(pairs, 2 * count);
      checkFamily(name, labels);
      samples++;
      consumer.accept(new Sample(name, labels, v, timestamp));
    }

    private int labels(String metric) throws LineRefused {
      int count = 0;
      while (true) {
        skipBlanks();
        if (pos < len && line[pos] == '}') {
          pos++;
          return count;
        }
        String name = labelName(metric);
        skipBlanks();
        expect('=', "label " + name, "'=' after the label name");
        skipBlanks();
        expect('"', "label " + name, "a quoted value");
        String v = quoted(name);
        for (int i = 0; i < count; i++) {
          if (pairs[2 * i].equals(name)) {
            throw new LineRefused("label " + name, "appears twice in one series of " + metric);
          }
        }
        if (count == limits.maxLabels()) {
          throw new LineRefused(
              "labels",
              "more than "
                  + limits.maxLabels()
                  + " labels in one series of "
                  + metric
                  + "; skipped");
        }
        pairs[2 * count] = name;
        pairs[2 * count + 1] = v;
        count++;
        skipBlanks();
        if (pos == len) {
          throw new LineRefused("labels", "no closing '}' for the labels of " + metric);
        }
        char c = line[pos++];
        if (c == '}') {
          return count;
        }
        if (c != ',') {
          pos--;
          throw refused("labels", "label " + name + "'s value (',' or '}' expected)");
        }
      }
    }

    private String quoted(String label) throws LineRefused {
      value.setLength(0);
      while (pos < len) {
        char c = line[pos++];
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\') {
          if (pos == len) {
            break;
          }
          char e = line[pos++];
          switch (e) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> value.append('\\').append(e);
          }
        } else {
          value.append(c);
        }
      }
      throw new LineRefused("label " + label, "unterminated quoted value (no closing '\"')");
    }

    private String metricName(String what) throws LineRefused {
      return name(true, what, "a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
    }

    private String labelName(String metric) throws LineRefused {
      return name(false, "labels of " + metric, "a label name ([a-zA-Z_][a-zA-Z0-9_]*) or '}'");
    }

    /** A metric name ({@code colon}: ':' allowed) or a label name at the position. */
    private String name(boolean colon, String what, String expected) throws LineRefused {
      int start = pos;
      if (pos < len && isNameStart(line[pos], colon)) {
        pos++;
        while (pos < len && isNameChar(line[pos], colon)) {
          pos++;
        }
      }
      if (pos == start) {
        throw expected(what, expected);
      }
      return new String(line, start, pos - start);
    }

    private String token() {
      int start = pos;
      while (pos < len && !isBlank(line[pos])) {
        pos++;
      }
      return new String(line, start, pos - start);
    }

    private double value(String text, String metric) throws LineRefused {
      return parseValue(text)
          .orElseThrow(
              () ->
                  new LineRefused(
                      "value",
                      "'"
                          + shorten(text)
                          + "' of "
                          + metric
                          + " is not a number (digits, NaN, +Inf or -Inf)"));
    }

    private long timestamp(String text) throws LineRefused {
      boolean ok = !text.isEmpty() && text.length() <= 20;
      for (int i = 0; ok && i < text.length(); i++) {
        char c = text.charAt(i);
        ok = (c >= '0' && c <= '9') || (i == 0 && c == '-' && text.length() > 1);
      }
      if (ok) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      throw new LineRefused(
          "timestamp", "'" + shorten(text) + "' is not a timestamp (integer milliseconds)");
    }

    /**
     * Histogram buckets need a numeric {@code le}, summary quantiles a numeric {@code quantile}.
     */
    private void checkFamily(String name, Labels labels) throws LineRefused {
      if (name.endsWith("_bucket")
          && types.get(name.substring(0, name.length() - 7)) == MetricType.HISTOGRAM) {
        numericLabel(labels, "le", name);
      } else if (types.get(name) == MetricType.SUMMARY) {
        numericLabel(labels, "quantile", name);
      }
    }

    private void numericLabel(Labels labels, String label, String metric) throws LineRefused {
      String v = labels.get(label);
      if (v == null) {
        throw new LineRefused("label " + label, "missing on " + metric);
      }
      if (parseValue(v).isEmpty()) {
        throw new LineRefused(
            "label " + label, "'" + shorten(v) + "' on " + metric + " is not a number");
      }
    }

    private void expect(char c, String what, String expected) throws LineRefused {
      if (pos < len && line[pos] == c) {
        pos++;
        return;
      }
      throw expected(what, expected);
    }

    private LineRefused expected(String what, String expected) {
      String found = pos < len ? "'" + printable(line[pos]) + "'" : "the end of the line";
      return new LineRefused(
          what, "expected " + expected + " at column " + (pos + 1) + ", found " + found);
    }

    /** Something unexpected follows {@code after}. */
    private LineRefused refused(String what, String after) {
      return new LineRefused(
          what,
          "unexpected '" + printable(line[pos]) + "' at column " + (pos + 1) + " after " + after);
    }

    private void skipBlanks() {
      while (pos < len && isBlank(line[pos])) {
        pos++;
      }
    }

    private void error(String what, String why) {
      errors++;
      if (firstErrors.size() < limits.maxErrorsKept()) {
        firstErrors.add(new ParseError(lineNo, what, why));
      }
    }

    ParseReport report() {
      return new ParseReport(lineNo, samples, errors, firstErrors, dropped, types, help);
    }
  }

  /**
   * A sample value or {@code le}: a decimal float, {@code NaN}, {@code +Inf}, {@code -Inf} or
   * {@code Inf} (any case, as Go's ParseFloat reads them); not Java's extras ({@code 1d}, hex).
   */
  public static Optional<Double> parseValue(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "nan":
        return Optional.of(Double.NaN);
      case "+inf", "inf":
        return Optional.of(Double.POSITIVE_INFINITY);
      case "-inf":
        return Optional.of(Double.NEGATIVE_INFINITY);
      default:
        break;
    }
    if (text.isEmpty() || text.length() > 64) {
      return Optional.empty();
    }
    boolean digit = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
        return Optional.empty();
      }
    }
    if (!digit) {
      return Optional.empty();
    }
    try {
      return Optional.of(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isNameStart(char c, boolean colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  }

  private static boolean isNameChar(char c, boolean colon) {
    return isNameStart(c, colon) || (c >= '0' && c <= '9');
  }

  private static String printable(char c) {
    return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
