package dev.covertree.bench;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.MetricType;
import dev.covertree.engine.metric.Metric;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import smile.neighbor.CoverTree;
import smile.neighbor.KDTree;
import smile.neighbor.KNNSearch;
import smile.neighbor.LinearSearch;
import smile.neighbor.Neighbor;

/**
 * A library a user might pick instead, behind one interface. The residual adapter hands every peer the
 * engine's own distance over integer ids, so every engine sees identical distances; a counter records
 * how many it computes.
 */
abstract class Peer {
    final String name;
    final LongAdder distances = new LongAdder();

    Peer(String name) {
        this.name = name;
    }

    /** Builds the peer's index over the dataset. */
    abstract void build(Dataset data);

    /** The k nearest other points of point {@code q}, as (id, distance), sorted by distance then id. */
    abstract void search(int q, int k, long[] ids, double[] dist);

    /** False where the peer computes its own distances, which the counter cannot see. */
    boolean countsDistances() {
        return true;
    }

    /** False where the peer cannot run this metric (a KD-tree needs coordinates). */
    boolean supports(MetricType metric) {
        return true;
    }

    static Peer[] all() {
        return new Peer[] {
            new SmileById("smile-covertree", (keys, metric) -> new CoverTree<>(keys, keys, metric)),
            new SmileKdTree(),
            new SmileById("smile-linear", (keys, metric) -> new LinearSearch<>(keys, keys, metric)),
            new ElkiCoverTree(false),
            new ElkiCoverTree(true)};
    }

    /** Integer ids with the engine's metric; ids are boxed once, so Smile's identity test excludes the query. */
    static final class Ids {
        final Integer[] keys;
        final smile.math.distance.Metric<Integer> metric;

        Ids(Dataset data, LongAdder counter) {
            keys = new Integer[(int) data.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Integer.valueOf(i);
            }
            Metric m = Metric.of(data);
            metric = (a, b) -> {
                counter.increment();
                return m.distance(a, b);
            };
        }
    }

    static <K, V> void copy(Neighbor<K, V>[] found, int k, long[] ids, double[] dist) {
        Arrays.sort(found, Comparator.<Neighbor<K, V>>comparingDouble(Neighbor::distance).thenComparingInt(Neighbor::index));
        for (int j = 0; j < k; j++) {
            ids[j] = j < found.length ? found[j].index() : -1;
            dist[j] = j < found.length ? found[j].distance() : Double.POSITIVE_INFINITY;
        }
    }

    /** A Smile index over integer ids with the engine's metric: the cover tree and the linear search. */
    private static final class SmileById extends Peer {
        private final BiFunction<Integer[], smile.math.distance.Metric<Integer>, KNNSearch<Integer, Integer>> make;
        private Ids ids;
        private KNNSearch<Integer, Integer> index;

        SmileById(String name, BiFunction<Integer[], smile.math.distance.Metric<Integer>, KNNSearch<Integer, Integer>> make) {
            super(name);
            this.make = make;
        }

        @Override
        void build(Dataset data) {
            ids = new Ids(data, distances);
            index = make.apply(ids.keys, ids.metric);
        }

        @Override
        void search(int q, int k, long[] out, double[] dist) {
            copy(index.search(ids.keys[q], k), k, out, dist);
        }
    }

    private static final class SmileKdTree extends Peer {
        private double[][] rows;
        private KDTree<double[]> tree;

        SmileKdTree() {
            super("smile-kdtree");
        }

        @Override
        boolean supports(MetricType metric) {
            return metric == MetricType.EUCLIDEAN;
        }

        @Override
        boolean countsDistances() {
            return false;
        }

        @Override
        void build(Dataset data) {
            // a KD-tree needs the coordinates on the heap; the copy is part of its cost
            rows = new double[(int) data.size()][data.dimension()];
            for (int i = 0; i < rows.length; i++) {
                for (int d = 0; d < rows[i].length; d++) {
                    rows[i][d] = data.coords().get(i, d);
                }
            }
            tree = KDTree.of(rows);
        }

        @Override
        void search(int q, int k, long[] out, double[] dist) {
            copy(tree.search(rows[q], k), k, out, dist);
        }
    }
}
