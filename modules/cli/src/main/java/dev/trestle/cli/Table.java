package dev.trestle.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns left-aligned, three spaces apart, no trailing blanks. */
public final class Table {
  private static final String GAP = "   ";
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  public Table row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, the table " + headers.size() + " columns");
    }
    rows.add(cells.stream().map(c -> c == null || c.isEmpty() ? "-" : c).toList());
    return this;
  }

  public String render() {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    var sb = new StringBuilder();
    line(sb, headers, widths);
    rows.forEach(r -> line(sb, r, widths));
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
