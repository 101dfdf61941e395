package dev.trestle.management;

import dev.trestle.protocol.v1.WafMode;
import dev.trestle.protocol.v1.WafPolicy;
import java.util.Locale;

/**
 * A WAF policy: a mode and SecLang directives for Coraza. Only what is obviously wrong is refused
 * here (no directives, a blank or multi-line one, a word no SecLang directive starts with, an
 * unclosed quote, a SecRuleEngine that would contradict the mode); Coraza parses the rest.
 */
final class WafRules {
  private WafRules() {}

  static void check(Checks c, String f, WafPolicy waf) {
    if (waf.getMode() != WafMode.DETECT && waf.getMode() != WafMode.BLOCK) {
      c.add(f + ".mode", "is required: DETECT or BLOCK");
    }
    if (waf.getDirectivesCount() == 0) {
      c.add(
          f + ".directives", "at least one directive is required, e.g. Include @owasp_crs/*.conf");
    }
    for (int i = 0; i < waf.getDirectivesCount(); i++) {
      directive(c, f + ".directives[" + i + "]", waf.getDirectives(i));
    }
  }

  private static void directive(Checks c, String f, String d) {
    String text = d.strip();
    if (text.isEmpty()) {
      c.add(f, "is empty");
      return;
    }
    if (text.contains("\n") || text.contains("\r")) {
      c.add(f, "must be one line (one directive per entry)");
      return;
    }
    String word = text.split("\\s+", 2)[0];
    if (!word.equals("Include") && !word.startsWith("Sec")) {
      c.add(f, "'" + word + "' is no SecLang directive (they are Include or start with Sec)");
    }
    if (word.toLowerCase(Locale.ROOT).equals("secruleengine")) {
      c.add(f, "SecRuleEngine is set from mode (DETECT: DetectionOnly, BLOCK: On)");
    }
    if (unescapedQuotes(text) % 2 != 0) {
      c.add(f, "has an unclosed double quote");
    }
  }

  private static int unescapedQuotes(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        i++;
      } else if (text.charAt(i) == '"') {
        n++;
      }
    }
    return n;
  }
}
