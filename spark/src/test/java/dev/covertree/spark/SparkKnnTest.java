package dev.covertree.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.covertree.engine.Kernel;
import dev.covertree.engine.KernelType;
import dev.covertree.npy.Npy;
import dev.covertree.npy.NpyArray;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library entry point {@link SparkKnn} on a seeded residual field: the answer is the single-process
 * one to the byte whatever the segments and blocks, when a task fails and is retried, when the arrays are
 * read through Hadoop's FileSystem API instead of mapped; and the Parquet table holds the same rows.
 */
class SparkKnnTest {
    private static final Kernel KERNEL = Kernel.of(KernelType.MATERN32, 1.0, 3.0);

    @TempDir
    static Path data;

    @TempDir
    Path out;

    @BeforeAll
    static void makeData() {
        Cli.ok(List.of("generate", "--n", "1500", "--d", "2", "--uniform", "30", "--seed", "11", "--out", file("x"), "--quiet"));
        Cli.ok(List.of("prepare", "--coords", file("x"), "--kernel", "matern32", "--variance", "1", "--lengthscale", "3",
                "--inducing", "24", "--out-v", file("v"), "--out-p", file("p"), "--quiet"));
        List<String> job = List.of("knn", "--coords", file("x"), "--v", file("v"), "--p", file("p"), "--kernel", "matern32",
                "--variance", "1", "--lengthscale", "3", "--k", "15");
        Cli.ok(Cli.concat(Cli.concat(job, "--all", "--predecessor"), Cli.outputs(data, "pred").toArray(String[]::new)));
        Cli.ok(Cli.concat(Cli.concat(job, "--all"), Cli.outputs(data, "all").toArray(String[]::new)));
    }

    private static String file(String name) {
        return data.resolve(name + ".npy").toString();
    }

    private static SparkKnnJob job(String prefix) {
        return SparkKnnJob.residual(prefix + file("x"), prefix + file("v"), prefix + file("p"), KERNEL, 15);
    }

    private static JavaSparkContext context(String master, boolean throughHadoop) {
        return new JavaSparkContext(new SparkConf().setMaster(master).setAppName("covertree test")
                .set("spark.ui.enabled", "false").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1").set(SparkKnn.READ_THROUGH_HADOOP, String.valueOf(throughHadoop)));
    }

    private void write(JavaSparkContext sc, SparkKnnJob job, String tag) throws Exception {
        try (SparkKnnResult r = SparkKnn.search(sc, job, SparkQueries.allPoints())) {
            r.writeNpy(out.resolve(tag + "-i.npy"), out.resolve(tag + "-d.npy"), false);
        }
    }

    private void sameAsSingleProcess(String single, String tag, String what) throws Exception {
        Cli.sameFiles(out, tag, tag, what);
        assertEquals(-1, java.nio.file.Files.mismatch(data.resolve(single + "-i.npy"), out.resolve(tag + "-i.npy")),
                what + ": indices differ");
        assertEquals(-1, java.nio.file.Files.mismatch(data.resolve(single + "-d.npy"), out.resolve(tag + "-d.npy")),
                what + ": distances differ");
    }

    @Test
    void theAnswerDoesNotDependOnTheSegmentsOrTheBlocks() throws Exception {
        try (JavaSparkContext sc = context("local[2]", false)) {
            for (int segments : new int[] {1, 2, 5, 7}) {
                for (int blockRows : new int[] {0, 97}) {
                    String tag = "s" + segments + "b" + blockRows;
                    write(sc, job("").withPredecessor(true).withSegments(segments).withBlockRows(blockRows), tag + "pred");
                    sameAsSingleProcess("pred", tag + "pred", "predecessor, " + tag);
                    write(sc, job("").withSegments(segments).withBlockRows(blockRows), tag + "all");
                    sameAsSingleProcess("all", tag + "all", "all points, " + tag);
                }
            }
        }
    }

    @Test
    void aTaskThatFailsItsFirstAttemptIsRetriedAndTheAnswerIsUnchanged() throws Exception {
        // local[2, 2]: two cores, two attempts per task (plain local[N] gives a task one attempt)
        try (JavaSparkContext sc = context("local[2,2]", false)) {
            AtomicInteger failed = new AtomicInteger();
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.reason() != Success$.MODULE$) {
                        failed.incrementAndGet();
                    }
                }
            });
            sc.setLocalProperty(SegmentTask.FAIL_FIRST_ATTEMPT, "2");
            write(sc, job("").withPredecessor(true).withSegments(4), "retried");
            sc.setLocalProperty(SegmentTask.FAIL_FIRST_ATTEMPT, null);
            sc.sc().listenerBus().waitUntilEmpty();
            assertEquals(1, failed.get(), "one task attempt should have failed");
            sameAsSingleProcess("pred", "retried", "after a retried task");
        }
    }

    @Test
    void readingThroughHadoopsFileSystemGivesTheSameAnswer() throws Exception {
        try (JavaSparkContext sc = context("local[2]", true)) {
            write(sc, job("file://").withPredecessor(true).withSegments(3).withBlockRows(200), "hadoop");
            sameAsSingleProcess("pred", "hadoop", "read through Hadoop");
        }
    }

    @Test
    void theParquetTableHoldsTheRowsOfTheNpyFiles() throws Exception {
        try (JavaSparkContext sc = context("local[2]", false);
             SparkKnnResult r = SparkKnn.search(sc, job("").withPredecessor(true).withSegments(2), SparkQueries.allPoints())) {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            String table = out.resolve("table").toUri().toString();
            r.writeParquet(spark, table);
            List<Row> rows = spark.read().parquet(table).orderBy("row").collectAsList();
            assertEquals(1500, rows.size());
            try (NpyArray idx = Npy.open(data.resolve("pred-i.npy")); NpyArray dist = Npy.open(data.resolve("pred-d.npy"))) {
                for (Row row : rows) {
                    long i = row.getLong(0);
                    assertEquals(i, row.getLong(1), "query_id of row " + i);
                    List<Long> ids = row.getList(2);
                    List<Double> ds = row.getList(3);
                    for (int j = 0; j < 15; j++) {
                        assertEquals(idx.getLong(i, j), (long) ids.get(j), "row " + i + " neighbour " + j);
                        assertEquals(Double.doubleToRawLongBits(dist.getDouble(i, j)), Double.doubleToRawLongBits(ds.get(j)),
                                "row " + i + " distance " + j);
                    }
                }
            }
            assertTrue(rows.get(0).getList(2).stream().allMatch(id -> (Long) id == -1), "row 0 has no predecessors");
        }
    }
}
