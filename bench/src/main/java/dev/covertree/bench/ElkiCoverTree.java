package dev.covertree.bench;

import dev.covertree.engine.Dataset;
import dev.covertree.engine.metric.Metric;
import elki.data.type.TypeUtil;
import elki.database.StaticArrayDatabase;
import elki.database.ids.DBID;
import elki.database.ids.DBIDArrayIter;
import elki.database.ids.DBIDRange;
import elki.database.ids.DBIDRef;
import elki.database.ids.DBIDUtil;
import elki.database.ids.DoubleDBIDListIter;
import elki.database.ids.KNNList;
import elki.database.query.distance.DistanceQuery;
import elki.database.query.knn.KNNSearcher;
import elki.database.relation.Relation;
import elki.datasource.DBIDRangeDatabaseConnection;
import elki.distance.AbstractDBIDRangeDistance;
import elki.index.DistancePriorityIndex;
import elki.index.tree.metrical.covertree.CoverTree;
import elki.index.tree.metrical.covertree.SimplifiedCoverTree;

/**
 * ELKI 0.8's cover tree or simplified cover tree (expansion 1.3, truncation 10: ELKI's defaults) over a
 * database of DBIDs 0 … N−1 whose distance is the engine's own metric on the DBID offsets.
 */
final class ElkiCoverTree extends Peer {
    private static final double EXPANSION = 1.3;
    private static final int TRUNCATE = 10;

    private final boolean simplified;
    private DBIDRange range;
    private DistancePriorityIndex<DBID> index;
    private DistanceQuery<DBID> query;
    private ThreadLocal<KNNSearcher<DBIDRef>> searcher;
    private ThreadLocal<DBIDArrayIter> cursor;
    private int searcherK = -1;

    ElkiCoverTree(boolean simplified) {
        super(simplified ? "elki-simplifiedcovertree" : "elki-covertree");
        this.simplified = simplified;
    }

    @Override
    void build(Dataset data) {
        int n = (int) data.size();
        Metric m = Metric.of(data);
        StaticArrayDatabase db = new StaticArrayDatabase(new DBIDRangeDatabaseConnection(0, n));
        db.initialize();
        Relation<DBID> rel = db.getRelation(TypeUtil.DBID);
        range = DBIDUtil.assertRange(rel.getDBIDs());
        AbstractDBIDRangeDistance dist = new AbstractDBIDRangeDistance() {
            @Override
            public double distance(int a, int b) {
                distances.increment();
                return m.distance(a, b);
            }

            @Override
            public void checkRange(DBIDRange r) {
                if (r.size() != n) {
                    throw new IllegalStateException("ELKI range of " + r.size() + " ids for " + n + " points");
                }
            }
        };
        index = simplified ? new SimplifiedCoverTree.Factory<DBID>(dist, EXPANSION, TRUNCATE).instantiate(rel)
                : new CoverTree.Factory<DBID>(dist, EXPANSION, TRUNCATE).instantiate(rel);
        index.initialize();
        query = dist.instantiate(rel);
        cursor = ThreadLocal.withInitial(range::iter);
    }

    @Override
    void search(int q, int k, long[] ids, double[] dist) {
        if (searcherK != k) {
            synchronized (this) {
                if (searcherK != k) {
                    // ELKI's searchers keep per-query state: one per thread
                    searcher = ThreadLocal.withInitial(() -> index.kNNByDBID(query, k + 1, 0));
                    searcherK = k;
                }
            }
        }
        // k + 1: a query by DBID finds the query point itself at distance 0
        KNNList found = searcher.get().getKNN(cursor.get().seek(q), k + 1);
        int j = 0;
        for (DoubleDBIDListIter it = found.iter(); it.valid() && j < k; it.advance()) {
            int off = range.getOffset(it);
            if (off != q) {
                ids[j] = off;
                dist[j++] = it.doubleValue();
            }
        }
        for (; j < k; j++) {
            ids[j] = -1;
            dist[j] = Double.POSITIVE_INFINITY;
        }
    }
}
