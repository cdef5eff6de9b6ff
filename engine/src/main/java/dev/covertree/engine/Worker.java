package dev.covertree.engine;

/**
 * One search thread's reusable state: the top-k heap, the tree's traversal stack, the brute force's
 * packed query block, and work counters. Made once per thread, so queries allocate nothing.
 */
final class Worker {
    /** The heap of a one-query-at-a-time search. */
    final TopK heap;
    /** One heap per query of a brute-force block; the first is {@link #heap}. */
    private final TopK[] heaps;
    final long[] blockRows = new long[BlockedBruteForce.BLOCK];
    long distances;
    long nodes;
    int[] stackNode = new int[256];
    double[] stackDist = new double[256];
    int top;
    /** The children of the node being expanded: node index, point, distance to the query. */
    int[] childNode = new int[64];
    long[] childPoint = new long[64];
    double[] childDist = new double[64];
    static final int Q_PACK = 0;
    static final int Q_COORDS = 1;
    static final int Q_ISP = 2;
    static final int TILE = 3;
    static final int TILE_COORDS = 4;
    private final double[][] scratch = new double[5][0];
    final long[] quadLimit = new long[BlockedBruteForce.BLOCK / 4];
    final double[] tileIsp = new double[16];
    final double[] dots = new double[16];
    final double[] s2 = new double[16];
    final double[] ispQ = new double[16];
    final double[] dist = new double[16];

    Worker(int k, boolean blocked) {
        this.heaps = new TopK[blocked ? BlockedBruteForce.BLOCK : 1];
        for (int i = 0; i < heaps.length; i++) {
            heaps[i] = new TopK(k);
        }
        this.heap = heaps[0];
    }

    TopK heapFor(int queryInBlock) {
        return heaps[queryInBlock];
    }

    /** Scratch array {@code which} of the blocked brute force, at least {@code size} long; reused. */
    double[] scratch(int which, int size) {
        if (scratch[which].length < size) {
            scratch[which] = new double[size];
        }
        return scratch[which];
    }

    void push(int node, double d) {
        if (top == stackNode.length) {
            // grows to the deepest frontier seen, then stays: steady state allocates nothing
            stackNode = java.util.Arrays.copyOf(stackNode, 2 * top);
            stackDist = java.util.Arrays.copyOf(stackDist, 2 * top);
        }
        stackNode[top] = node;
        stackDist[top] = d;
        top++;
    }

    /** Makes room for {@code n} children; grows to the widest node seen, then stays. */
    void ensureChildren(int n) {
        if (n > childNode.length) {
            int size = Math.max(n, 2 * childNode.length);
            childNode = java.util.Arrays.copyOf(childNode, size);
            childPoint = java.util.Arrays.copyOf(childPoint, size);
            childDist = java.util.Arrays.copyOf(childDist, size);
        }
    }

    /** Ciura's gaps: a shell sort ending in the plain insertion sort (gap 1), which is all a short run gets. */
    private static final int[] GAPS = {701, 301, 132, 57, 23, 10, 4, 1};

    /**
     * Orders stack entries {@code [from, top)} by decreasing distance, so the nearest is popped first.
     * Most nodes push a handful of children (insertion sort), but near the root of a residual tree with
     * many inducing points hundreds survive, where insertion sort alone took a fifth of the search.
     */
    void sortPushedFarthestFirst(int from) {
        int n = top - from;
        for (int gap : GAPS) {
            if (gap > n / 2 && gap > 1) {
                continue;
            }
            for (int i = from + gap; i < top; i++) {
                int node = stackNode[i];
                double d = stackDist[i];
                int j = i;
                while (j - gap >= from && stackDist[j - gap] < d) {
                    stackNode[j] = stackNode[j - gap];
                    stackDist[j] = stackDist[j - gap];
                    j -= gap;
                }
                stackNode[j] = node;
                stackDist[j] = d;
            }
        }
    }
}
