package dev.trestle.loadtest.scenarios;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Rates over time as a PNG (Java2D): x seconds since the measured phase began, y linear. */
public final class TimeSeriesChart {
  public record Series(String label, double[] perSecond) {}

  private static final Color[] PALETTE = {
    new Color(0x4E79A7),
    new Color(0xF28E2B),
    new Color(0x59A14F),
    new Color(0xB07AA1),
    new Color(0xE15759)
  };
  private static final int W = 1200;
  private static final int H = 650;
  private static final int L = 100;
  private static final int R = 300;
  private static final int T = 80;
  private static final int B = 60;

  private TimeSeriesChart() {}

  public static void write(
      Path png, String title, String subtitle, String unit, List<Series> series)
      throws IOException {
    var img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      int pw = W - L - R;
      int ph = H - T - B;
      double max = 1;
      int len = 1;
      for (var s : series) {
        for (double v : s.perSecond()) {
          max = Math.max(max, v);
        }
        len = Math.max(len, s.perSecond().length);
      }
      max = LatencyChartScale.niceCeil(max * 1.05);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      g.drawString(title, L, 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.DARK_GRAY);
      g.drawString(subtitle, L, 52);
      for (int i = 0; i <= 5; i++) {
        double v = max * i / 5;
        int y = T + ph - (int) Math.round(ph * v / max);
        g.setColor(new Color(0xE5E5E5));
        g.drawLine(L, y, L + pw, y);
        g.setColor(Color.DARK_GRAY);
        String label = String.format(Locale.ROOT, "%,.0f", v);
        g.drawString(label, L - 8 - g.getFontMetrics().stringWidth(label), y + 4);
      }
      int step = Math.max(1, len / 10);
      for (int s = 0; s <= len; s += step) {
        int x = L + (int) Math.round((double) pw * s / len);
        g.setColor(Color.DARK_GRAY);
        g.drawString(s + "s", x - 8, T + ph + 18);
      }
      g.drawString("time (s)", L + pw / 2 - 20, H - 18);
      g.drawString(unit, 10, T - 10);
      int ly = T + 10;
      int c = 0;
      for (var s : series) {
        var path = new Path2D.Double();
        double[] v = s.perSecond();
        for (int i = 0; i < v.length; i++) {
          double x = L + pw * (i + 0.5) / len;
          double y = T + ph - ph * v[i] / max;
          if (i == 0) {
            path.moveTo(x, y);
          } else {
            path.lineTo(x, y);
          }
        }
        g.setColor(PALETTE[c % PALETTE.length]);
        g.setStroke(new BasicStroke(2.2f));
        g.draw(path);
        g.drawLine(L + pw + 20, ly - 4, L + pw + 48, ly - 4);
        g.setColor(Color.BLACK);
        g.drawString(s.label(), L + pw + 56, ly);
        ly += 20;
        c++;
      }
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.GRAY);
      g.drawRect(L, T, pw, ph);
    } finally {
      g.dispose();
    }
    ImageIO.write(img, "png", png.toFile());
  }

  /** 1, 2 or 5 times a power of ten at or above v. */
  static final class LatencyChartScale {
    static double niceCeil(double v) {
      double d = Math.pow(10, Math.floor(Math.log10(v)));
      for (int m : new int[] {1, 2, 5, 10}) {
        if (d * m >= v) {
          return d * m;
        }
      }
      return d * 10;
    }
  }
}
