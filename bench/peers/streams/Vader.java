// A line-by-line Java port of vaderSentiment 3.3.2's SentimentIntensityAnalyzer.polarity_scores
// (Hutto & Gilbert, ICWSM-14; MIT licence), written for this benchmark because Maven Central
// serves no Java VADER. It keeps the Python code's quirks (the `but` rule's list.index(),
// the three-word window, Python's rounding) so that its scores are the Python library's;
// VaderCheck in StreamsPeer compares it with tests/sentiment/data/vader_parity.tsv.
// Lexicons: sentiment/data/vader_lexicon.txt and emoji_utf8_lexicon.txt.
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

final class Vader {
  static final double B_INCR = 0.293, B_DECR = -0.293, C_INCR = 0.733, N_SCALAR = -0.74;
  static final Set<String> NEGATE = Set.of("aint", "arent", "cannot", "cant", "couldnt",
      "darent", "didnt", "doesnt", "ain't", "aren't", "can't", "couldn't", "daren't", "didn't",
      "doesn't", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
      "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", "neednt",
      "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere", "oughtnt", "shant",
      "shouldnt", "uhuh", "wasnt", "werent", "oughtn't", "shan't", "shouldn't", "uh-uh",
      "wasn't", "weren't", "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom",
      "despite");
  static final Map<String, Double> BOOSTER = new HashMap<>();
  static final Map<String, Double> SPECIAL = new HashMap<>();

  static {
    for (String w : ("absolutely amazingly awfully completely considerable considerably decidedly "
        + "deeply effing enormous enormously entirely especially exceptional exceptionally extreme "
        + "extremely fabulously flipping flippin frackin fracking fricking frickin frigging "
        + "friggin fully fuckin fucking fuggin fugging greatly hella highly hugely incredible "
        + "incredibly intensely major majorly more most particularly purely quite really "
        + "remarkably so substantially thoroughly total totally tremendous tremendously uber "
        + "unbelievably unusually utter utterly very").split(" ")) {
      BOOSTER.put(w, B_INCR);
    }
    for (String w : ("almost barely hardly just_enough kind_of kinda kindof kind-of less little "
        + "marginal marginally occasional occasionally partly scarce scarcely slight slightly "
        + "somewhat sort_of sorta sortof sort-of").split(" ")) {
      BOOSTER.put(w.replace('_', ' '), B_DECR);
    }
    SPECIAL.put("the shit", 3.0);
    SPECIAL.put("the bomb", 3.0);
    SPECIAL.put("bad ass", 1.5);
    SPECIAL.put("badass", 1.5);
    SPECIAL.put("bus stop", 0.0);
    SPECIAL.put("yeah right", -2.0);
    SPECIAL.put("kiss of death", -1.5);
    SPECIAL.put("to die for", 3.0);
    SPECIAL.put("beating heart", 3.5);
  }

  private final Map<String, Double> lexicon = new HashMap<>();
  private final Map<Integer, String> emojis = new HashMap<>();  // single code points only

  Vader(Path dataDir) throws IOException {
    for (String line : Files.readAllLines(dataDir.resolve("vader_lexicon.txt"), StandardCharsets.UTF_8)) {
      if (line.isEmpty()) continue;
      String[] f = pyStrip(line).split("\t");
      lexicon.put(f[0], Double.parseDouble(f[1]));
    }
    for (String line : Files.readAllLines(dataDir.resolve("emoji_utf8_lexicon.txt"), StandardCharsets.UTF_8)) {
      String[] f = pyStrip(line).split("\t");
      if (f.length < 2) continue;
      // Python tests `chr in emojis` one code point at a time: longer keys never match.
      if (f[0].codePointCount(0, f[0].length()) == 1) emojis.put(f[0].codePointAt(0), f[1]);
    }
  }

  static boolean pySpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85 || (c >= 0x1c && c <= 0x1f);
  }

  static String pyStrip(String s) {
    int b = 0, e = s.length();
    while (b < e && pySpace(s.charAt(b))) b++;
    while (e > b && pySpace(s.charAt(e - 1))) e--;
    return s.substring(b, e);
  }

  static List<String> pySplit(String s) {
    List<String> out = new ArrayList<>();
    int i = 0, n = s.length();
    while (i < n) {
      while (i < n && pySpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
      int b = i;
      while (i < n && !pySpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
      if (i > b) out.add(s.substring(b, i));
    }
    return out;
  }

  static boolean isPunct(char c) {
    return c < 128 && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".indexOf(c) >= 0;
  }

  static String stripPuncIfWord(String t) {
    int b = 0, e = t.length();
    while (b < e && isPunct(t.charAt(b))) b++;
    while (e > b && isPunct(t.charAt(e - 1))) e--;
    String s = t.substring(b, e);
    return s.codePointCount(0, s.length()) <= 2 ? t : s;
  }

  static boolean isUpper(String w) {  // Python str.isupper()
    boolean cased = false;
    for (int i = 0; i < w.length(); ) {
      int c = w.codePointAt(i);
      if (Character.isLowerCase(c) || Character.isTitleCase(c)) return false;
      if (Character.isUpperCase(c)) cased = true;
      i += Character.charCount(c);
    }
    return cased;
  }

  static String lower(String w) { return w.toLowerCase(Locale.ROOT); }

  static boolean negated(String w) { return NEGATE.contains(w) || w.contains("n't"); }

  static double scalarIncDec(String word, double valence, boolean capDiff) {
    Double b = BOOSTER.get(lower(word));
    if (b == null) return 0.0;
    double scalar = b;
    if (valence < 0) scalar *= -1;
    if (isUpper(word) && capDiff) scalar += valence > 0 ? C_INCR : -C_INCR;
    return scalar;
  }

  /** {neg, neu, pos, compound}, rounded as Python rounds them. */
  double[] polarityScores(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    boolean prevSpace = true;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      String d = emojis.get(c);
      if (d != null) {
        if (!prevSpace) sb.append(' ');
        sb.append(d);
        prevSpace = false;
      } else {
        sb.appendCodePoint(c);
        prevSpace = c == ' ';
      }
    }
    String t = pyStrip(sb.toString());
    List<String> raw = pySplit(t);
    int n = raw.size();
    String[] w = new String[n], lw = new String[n];
    int caps = 0;
    for (int i = 0; i < n; i++) {
      w[i] = stripPuncIfWord(raw.get(i));
      lw[i] = lower(w[i]);
      if (isUpper(w[i])) caps++;
    }
    boolean capDiff = 0 < n - caps && n - caps < n;
    List<Double> sentiments = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (BOOSTER.containsKey(lw[i]) || (i < n - 1 && lw[i].equals("kind") && lw[i + 1].equals("of"))) {
        sentiments.add(0.0);
        continue;
      }
      sentiments.add(valence(w, lw, i, capDiff));
    }
    butCheck(lw, sentiments);
    return scoreValence(sentiments, t);
  }

  private double valence(String[] w, String[] lw, int i, boolean capDiff) {
    Double lex = lexicon.get(lw[i]);
    if (lex == null) return 0.0;
    int n = w.length;
    double v = lex;
    if (lw[i].equals("no") && i != n - 1 && lexicon.containsKey(lw[i + 1])) v = 0.0;
    if ((i > 0 && lw[i - 1].equals("no")) || (i > 1 && lw[i - 2].equals("no"))
        || (i > 2 && lw[i - 3].equals("no") && (lw[i - 1].equals("or") || lw[i - 1].equals("nor")))) {
      v = lex * N_SCALAR;
    }
    if (isUpper(w[i]) && capDiff) v += v > 0 ? C_INCR : -C_INCR;
    for (int s = 0; s < 3; s++) {
      if (i > s && !lexicon.containsKey(lw[i - (s + 1)])) {
        double sc = scalarIncDec(w[i - (s + 1)], v, capDiff);
        if (s == 1 && sc != 0) sc *= 0.95;
        if (s == 2 && sc != 0) sc *= 0.9;
        v += sc;
        v = negationCheck(v, lw, s, i);
        if (s == 2) v = specialIdioms(v, lw, i);
      }
    }
    // _least_check
    if (i > 1 && !lexicon.containsKey(lw[i - 1]) && lw[i - 1].equals("least")) {
      if (!lw[i - 2].equals("at") && !lw[i - 2].equals("very")) v *= N_SCALAR;
    } else if (i > 0 && !lexicon.containsKey(lw[i - 1]) && lw[i - 1].equals("least")) {
      v *= N_SCALAR;
    }
    return v;
  }

  private static double negationCheck(double v, String[] lw, int s, int i) {
    if (s == 0) {
      if (negated(lw[i - 1])) v *= N_SCALAR;
    } else if (s == 1) {
      if (lw[i - 2].equals("never") && (lw[i - 1].equals("so") || lw[i - 1].equals("this"))) {
        v *= 1.25;
      } else if (lw[i - 2].equals("without") && lw[i - 1].equals("doubt")) {
        // unchanged
      } else if (negated(lw[i - 2])) {
        v *= N_SCALAR;
      }
    } else {
      if ((lw[i - 3].equals("never") && (lw[i - 2].equals("so") || lw[i - 2].equals("this")))
          || (lw[i - 1].equals("so") || lw[i - 1].equals("this"))) {
        v *= 1.25;
      } else if (lw[i - 3].equals("without") && (lw[i - 2].equals("doubt") || lw[i - 1].equals("doubt"))) {
        // unchanged
      } else if (negated(lw[i - 3])) {
        v *= N_SCALAR;
      }
    }
    return v;
  }

  private static double specialIdioms(double v, String[] lw, int i) {
    // Python indexes i - 3 here even when i == 2 (it is then lw[-1], the last word).
    int n = lw.length;
    String w3 = lw[(i - 3 + n) % n];
    String onezero = lw[i - 1] + " " + lw[i];
    String twoonezero = lw[i - 2] + " " + lw[i - 1] + " " + lw[i];
    String twoone = lw[i - 2] + " " + lw[i - 1];
    String threetwoone = w3 + " " + lw[i - 2] + " " + lw[i - 1];
    String threetwo = w3 + " " + lw[i - 2];
    for (String seq : new String[] {onezero, twoonezero, twoone, threetwoone, threetwo}) {
      Double sp = SPECIAL.get(seq);
      if (sp != null) {
        v = sp;
        break;
      }
    }
    if (n - 1 > i) {
      Double sp = SPECIAL.get(lw[i] + " " + lw[i + 1]);
      if (sp != null) v = sp;
    }
    if (n - 1 > i + 1) {
      Double sp = SPECIAL.get(lw[i] + " " + lw[i + 1] + " " + lw[i + 2]);
      if (sp != null) v = sp;
    }
    for (String g : new String[] {threetwoone, threetwo, twoone}) {
      Double b = BOOSTER.get(g);
      if (b != null) v += b;
    }
    return v;
  }

  private static void butCheck(String[] lw, List<Double> s) {
    int bi = -1;
    for (int k = 0; k < lw.length; k++) {
      if (lw[k].equals("but")) {
        bi = k;
        break;
      }
    }
    if (bi < 0) return;
    for (int k = 0; k < s.size(); k++) {
      double x = s.get(k);
      int si = 0;
      while (s.get(si) != x) si++;  // Python's list.index(): the first equal value
      if (si < bi) s.set(si, x * 0.5);
      else if (si > bi) s.set(si, x * 1.5);
    }
  }

  private static double round(double x, int places) {
    return new BigDecimal(x).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
  }

  private static double[] scoreValence(List<Double> s, String text) {
    if (s.isEmpty()) return new double[] {0.0, 0.0, 0.0, 0.0};
    double sum = 0;
    for (double x : s) sum += x;
    int ep = 0, qm = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '!') ep++;
      else if (text.charAt(i) == '?') qm++;
    }
    double amp = Math.min(ep, 4) * 0.292 + (qm > 1 ? (qm <= 3 ? qm * 0.18 : 0.96) : 0);
    if (sum > 0) sum += amp;
    else if (sum < 0) sum -= amp;
    double compound = sum / Math.sqrt(sum * sum + 15);
    compound = Math.max(-1.0, Math.min(1.0, compound));
    double pos = 0, neg = 0;
    int neu = 0;
    for (double x : s) {
      if (x > 0) pos += x + 1;
      if (x < 0) neg += x - 1;
      if (x == 0) neu++;
    }
    if (pos > Math.abs(neg)) pos += amp;
    else if (pos < Math.abs(neg)) neg -= amp;
    double total = pos + Math.abs(neg) + neu;
    return new double[] {round(Math.abs(neg / total), 3), round(Math.abs(neu / total), 3),
        round(Math.abs(pos / total), 3), round(compound, 4)};
  }
}
