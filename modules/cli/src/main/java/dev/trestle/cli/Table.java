package dev.trestle.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: columns left-aligned, three spaces apart, no trailing blanks. A row may carry
 * detail lines, printed as given below it without affecting the column widths.
 */
public final class Table {
  private static final String GAP = "   ";
  private final List<String> headers;
  private final List<Row> rows = new ArrayList<>();

  private record Row(List<String> cells, List<String> details) {}

  public Table(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  public Table row(List<String> cells) {
    return row(cells, List.of());
  }

  /** A row followed by {@code details}, each printed on its own line as given. */
  public Table row(List<String> cells, List<String> details) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, the table " + headers.size() + " columns");
    }
    rows.add(
        new Row(
            cells.stream().map(c -> c == null || c.isEmpty() ? "-" : c).toList(),
            List.copyOf(details)));
    return this;
  }

  public String render() {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (Row row : rows) {
        widths[i] = Math.max(widths[i], row.cells().get(i).length());
      }
    }
    var sb = new StringBuilder();
    line(sb, headers, widths);
    for (Row row : rows) {
      line(sb, row.cells(), widths);
      row.details().forEach(d -> sb.append(d.stripTrailing()).append('\n'));
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] widths) {
    var line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(GAP);
      }
      line.append(cells.get(i));
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - cells.get(i).length()));
      }
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }
}
