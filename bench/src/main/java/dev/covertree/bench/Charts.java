package dev.covertree.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * PNG charts drawn with the JDK's own Java2D (headless, no plotting library): recall against queries/s
 * per workload, and search time against N on log-log axes.
 */
final class Charts {
    private static final int PANEL_W = 420;
    private static final int H = 380;
    private static final int PAD = 60;
    private static final Color OURS = new Color(31, 119, 180);
    private static final Color PEER = new Color(255, 127, 14);

    private Charts() {
    }

    /** One panel per workload: recall@k (y) against log queries/s (x), all-core rows only. */
    static void recallVsQps(List<Comparison.Row> rows, int threads, Path png) throws IOException {
        Map<String, List<Comparison.Row>> byWorkload = new LinkedHashMap<>();
        for (Comparison.Row r : rows) {
            // a row without a recall (a pace row answering another question) has no place on the recall axis
            if (r.threads() == threads && !Double.isNaN(r.recall())) {
                byWorkload.computeIfAbsent(r.workload(), w -> new ArrayList<>()).add(r);
            }
        }
        int panels = Math.max(1, byWorkload.size());
        BufferedImage img = canvas(panels * PANEL_W, H);
        Graphics2D g = img.createGraphics();
        setUp(g);
        int p = 0;
        for (Map.Entry<String, List<Comparison.Row>> e : byWorkload.entrySet()) {
            int x0 = p++ * PANEL_W;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            double minRecall = 1;
            for (Comparison.Row r : e.getValue()) {
                lo = Math.min(lo, Math.log10(r.qps()));
                hi = Math.max(hi, Math.log10(r.qps()));
                minRecall = Math.min(minRecall, r.recall());
            }
            lo = Math.floor(lo);
            hi = Math.max(Math.ceil(hi), lo + 1);
            double yLo = Math.min(0.98, Math.floor(minRecall * 100) / 100);
            axes(g, x0, e.getKey() + " (" + threads + " threads)", "queries/s (log)", "recall@k",
                    String.format("1e%.0f", lo), String.format("1e%.0f", hi), String.format("%.2f", yLo), "1.00");
            // points are numbered, names listed in the panel: at recall 1 the points crowd one line
            int i = 0;
            for (Comparison.Row r : e.getValue()) {
                int px = x0 + PAD + (int) ((Math.log10(r.qps()) - lo) / (hi - lo) * (PANEL_W - 2 * PAD));
                int py = H - PAD - (int) ((r.recall() - yLo) / (1 - yLo) * (H - 2 * PAD));
                g.setColor(r.engine().startsWith("covertree") ? OURS : PEER);
                g.fillOval(px - 5, py - 5, 10, 10);
                i++;
                g.drawString(Integer.toString(i), px - 3, py + 18 + 12 * (i % 2));
                g.drawString(i + "  " + r.engine() + String.format("  %.0f q/s, recall %.4f", r.qps(), r.recall()),
                        x0 + PAD + 8, PAD + 40 + 15 * i);
            }
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /**
     * Plan (tree build) plus search seconds against N, log-log, one line per (metric, m, engine) series of
     * bench/scale.sh's CSV (columns found by name; older files without plan_s or engine work too).
     */
    static void scaling(Path csv, Path png) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int engine = header.indexOf("engine");
        int build = header.indexOf("plan_s");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            String metric = f[header.indexOf("metric")];
            String key = metric + (metric.startsWith("residual") ? " m=" + f[header.indexOf("m")] : "")
                    + (engine >= 0 ? " " + f[engine] : "");
            double seconds = Double.parseDouble(f[header.indexOf("search_s")]) + (build >= 0 ? Double.parseDouble(f[build]) : 0);
            series.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {
                Math.log10(Double.parseDouble(f[header.indexOf("n")])), Math.log10(seconds)});
        }
        double xLo = Double.POSITIVE_INFINITY, xHi = Double.NEGATIVE_INFINITY;
        double yLo = Double.POSITIVE_INFINITY, yHi = Double.NEGATIVE_INFINITY;
        for (List<double[]> s : series.values()) {
            for (double[] pt : s) {
                xLo = Math.min(xLo, pt[0]);
                xHi = Math.max(xHi, pt[0]);
                yLo = Math.min(yLo, pt[1]);
                yHi = Math.max(yHi, pt[1]);
            }
        }
        xLo = Math.floor(xLo * 2) / 2;
        xHi = Math.max(Math.ceil(xHi * 2) / 2, xLo + 0.5);
        yLo = Math.floor(yLo);
        yHi = Math.max(Math.ceil(yHi), yLo + 1);
        BufferedImage img = canvas(2 * PANEL_W, H);
        Graphics2D g = img.createGraphics();
        setUp(g);
        axes(g, 0, "all-points predecessor job, k = 30", "N (log)", "build + search s (log)", String.format("%.0f", Math.pow(10, xLo)),
                String.format("%.0f", Math.pow(10, xHi)), String.format("%.2g", Math.pow(10, yLo)),
                String.format("%.2g", Math.pow(10, yHi)), 2 * PANEL_W);
        Color[] palette = {OURS, PEER, new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189),
            new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127)};
        int c = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            e.getValue().sort((a, b) -> Double.compare(a[0], b[0])); // rows may come in any order of N
            g.setColor(palette[c % palette.length]);
            int prevX = -1;
            int prevY = -1;
            for (double[] pt : e.getValue()) {
                int px = PAD + (int) ((pt[0] - xLo) / (xHi - xLo) * (2 * PANEL_W - 2 * PAD));
                int py = H - PAD - (int) ((pt[1] - yLo) / (yHi - yLo) * (H - 2 * PAD));
                g.fillOval(px - 4, py - 4, 8, 8);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, px, py);
                }
                prevX = px;
                prevY = py;
            }
            g.drawString(e.getKey(), PAD + 10, PAD + 16 * (c + 1));
            c++;
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static BufferedImage canvas(int w, int h) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static void setUp(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1.5f));
    }

    private static void axes(Graphics2D g, int x0, String title, String xLabel, String yLabel, String xMin, String xMax,
                             String yMin, String yMax) {
        axes(g, x0, title, xLabel, yLabel, xMin, xMax, yMin, yMax, PANEL_W);
    }

    private static void axes(Graphics2D g, int x0, String title, String xLabel, String yLabel, String xMin, String xMax,
                             String yMin, String yMax, int width) {
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x0 + PAD, PAD, width - 2 * PAD, H - 2 * PAD);
        g.drawString(title, x0 + PAD, PAD - 20);
        g.drawString(xLabel, x0 + width / 2 - 40, H - 15);
        g.drawString(yLabel, x0 + 5, PAD - 5);
        g.drawString(xMin, x0 + PAD, H - PAD + 15);
        g.drawString(xMax, x0 + width - PAD - 30, H - PAD + 15);
        g.drawString(yMin, x0 + 15, H - PAD);
        g.drawString(yMax, x0 + 15, PAD + 10);
    }
}
