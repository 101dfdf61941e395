package dev.trestle.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Latency distribution as a PNG, drawn with Java2D: one percentile curve per series (x: percentile
 * on a log scale of 1/(1-p), so 90/99/99.9 % are evenly spaced; y: milliseconds, log scale) and a
 * dashed line at the target. The curve of a series ends at its largest sample.
 */
public final class LatencyChart {
  /** One curve; series with the same colour index share a colour, dashed ones are drawn dashed. */
  public record Series(String label, long[] nanos, int colour, boolean dashed) {}

  private static final Color[] PALETTE = {
    new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xB07AA1),
    new Color(0x76B7B2), new Color(0xEDC948), new Color(0x9C755F), new Color(0xFF9DA7),
    new Color(0xBAB0AC), new Color(0x2F4B7C)
  };
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 700;
  private static final int LEFT = 90;
  private static final int RIGHT = 330;
  private static final int TOP = 80;
  private static final int BOTTOM = 70;

  private LatencyChart() {}

  public static void write(
      Path png, String title, String subtitle, List<Series> all, double targetMs)
      throws IOException {
    List<Series> series = all.stream().filter(s -> s.nanos().length > 0).toList();
    var image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g, title, subtitle, series, targetMs);
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", png.toFile());
  }

  private static void draw(
      Graphics2D g, String title, String subtitle, List<Series> series, double targetMs) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    double minMs = Double.MAX_VALUE;
    double maxMs = targetMs;
    int maxCount = 1;
    for (Series s : series) {
      for (long n : s.nanos()) {
        minMs = Math.min(minMs, n / 1e6);
        maxMs = Math.max(maxMs, n / 1e6);
      }
      maxCount = Math.max(maxCount, s.nanos().length);
    }
    if (minMs == Double.MAX_VALUE) {
      minMs = 1;
    }
    double yLo = niceFloor(Math.max(minMs * 0.95, 0.01));
    double yHi = niceCeil(maxMs * 1.05);
    // x: t = log10(1/(1-p)); the largest rank of the biggest series decides the right edge.
    double tHi = Math.max(2.0, Math.log10(maxCount));

    Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    Font normal = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString(title, LEFT, 30);
    g.setFont(small);
    g.setColor(Color.DARK_GRAY);
    g.drawString(subtitle, LEFT, 52);

    // grid and y ticks (1, 2, 5 per decade)
    g.setFont(small);
    for (double decade = Math.pow(10, Math.floor(Math.log10(yLo)));
        decade <= yHi * 1.0001;
        decade *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        double v = decade * m;
        if (v < yLo * 0.9999 || v > yHi * 1.0001) {
          continue;
        }
        int y = yPix(v, yLo, yHi, plotH);
        g.setColor(m == 1 ? new Color(0xDDDDDD) : new Color(0xF0F0F0));
        g.drawLine(LEFT, y, LEFT + plotW, y);
        g.setColor(Color.DARK_GRAY);
        String label = formatMs(v);
        g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
      }
    }
    // x ticks
    double[] ticks = {0, 0.5, 0.9, 0.99, 0.999, 0.9999};
    for (double p : ticks) {
      double t = Math.log10(1 / (1 - p));
      if (t > tHi + 1e-9) {
        continue;
      }
      int x = xPix(t, tHi, plotW);
      g.setColor(new Color(0xDDDDDD));
      g.drawLine(x, TOP, x, TOP + plotH);
      g.setColor(Color.DARK_GRAY);
      String label = p == 0 ? "0%" : trimZeros(String.format(Locale.ROOT, "%.2f", p * 100)) + "%";
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
    }
    g.setFont(normal);
    g.setColor(Color.BLACK);
    String xTitle = "percentile (share of queries at or below the latency)";
    g.drawString(xTitle, LEFT + (plotW - g.getFontMetrics().stringWidth(xTitle)) / 2, HEIGHT - 22);
    var saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString("latency, ms (log scale)", -(TOP + plotH / 2 + 70), 24);
    g.setTransform(saved);

    // target line
    if (targetMs > 0) {
      int y = yPix(targetMs, yLo, yHi, plotH);
      g.setColor(new Color(0xC0392B));
      Stroke old = g.getStroke();
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setStroke(old);
      g.setFont(small);
      g.drawString("target " + formatMs(targetMs) + " ms", LEFT + 6, y - 5);
    }

    // curves
    for (Series s : series) {
      long[] sorted = s.nanos().clone();
      Arrays.sort(sorted);
      if (sorted.length == 0) {
        continue;
      }
      var path = new Path2D.Double();
      for (int i = 0; i < sorted.length; i++) {
        double p = (double) i / sorted.length;
        double t = Math.log10(1 / (1 - p));
        double x = xPix(t, tHi, plotW);
        double y = yPix(Math.max(sorted[i] / 1e6, yLo), yLo, yHi, plotH);
        if (i == 0) {
          path.moveTo(x, y);
        } else {
          path.lineTo(x, y);
        }
      }
      usePen(g, s);
      g.draw(path);
    }
    g.setStroke(new BasicStroke(1f));
    g.setColor(Color.GRAY);
    g.drawRect(LEFT, TOP, plotW, plotH);

    // legend
    g.setFont(small);
    int lx = LEFT + plotW + 20;
    int ly = TOP + 10;
    g.setColor(Color.BLACK);
    g.drawString("series (n, p99)", lx, ly);
    ly += 20;
    for (Series s : series) {
      usePen(g, s);
      g.drawLine(lx, ly - 4, lx + 28, ly - 4);
      g.setColor(Color.BLACK);
      var stats = LatencyStats.of(s.nanos());
      g.drawString(
          s.label()
              + String.format(Locale.ROOT, " (%d, %s ms)", stats.count(), formatMs(stats.p99Ms())),
          lx + 36,
          ly);
      ly += 20;
    }
  }

  /** The largest 1, 2 or 5 times a power of ten at or below v. */
  static double niceFloor(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v)));
    for (int m : new int[] {5, 2, 1}) {
      if (decade * m <= v) {
        return decade * m;
      }
    }
    return decade;
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above v. */
  static double niceCeil(double v) {
    double decade = Math.pow(10, Math.floor(Math.log10(v)));
    for (int m : new int[] {1, 2, 5, 10}) {
      if (decade * m >= v) {
        return decade * m;
      }
    }
    return decade * 10;
  }

  private static int xPix(double t, double tHi, int plotW) {
    return LEFT + (int) Math.round(t / tHi * plotW);
  }

  private static int yPix(double ms, double yLo, double yHi, int plotH) {
    double f = (Math.log10(ms) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo));
    return TOP + plotH - (int) Math.round(f * plotH);
  }

  static String formatMs(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return trimZeros(String.format(Locale.ROOT, "%.1f", v));
    }
    return trimZeros(String.format(Locale.ROOT, "%.2f", v));
  }

  private static String trimZeros(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** The series' colour, and its line: dashed for next pages, solid otherwise. */
  private static void usePen(Graphics2D g, Series s) {
    g.setColor(PALETTE[Math.floorMod(s.colour(), PALETTE.length)]);
    g.setStroke(
        s.dashed()
            ? new BasicStroke(
                2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {6, 4}, 0)
            : new BasicStroke(2.2f));
  }
}
