package dev.covertree.spark;

import dev.covertree.cli.DistributedKnn;
import dev.covertree.cli.Progress;
import dev.covertree.engine.Engine;
import dev.covertree.engine.InvalidInputException;
import dev.covertree.engine.Kernel;
import dev.covertree.engine.MetricType;
import dev.covertree.npy.NpyFormatException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code covertree knn --spark MASTER}: starts a Spark context (in-process for {@code local[N]}), runs
 * {@link SparkKnn} and writes the files the single-process run writes, plus an optional Parquet table.
 * Errors in the tasks come back as the tool's own one-line messages and exit codes.
 */
public final class SparkKnnRunner implements DistributedKnn {
    private static final String LOG_CONFIG = "log4j2.configurationFile";
    private static final long LISTENER_WAIT_MS = 10_000;

    @Override
    public int run(Request r, PrintWriter out, PrintWriter err) throws Exception {
        if (System.getProperty(LOG_CONFIG) == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty(LOG_CONFIG, String.valueOf(SparkKnnRunner.class.getResource("log4j2.properties")));
        }
        SparkConf conf = new SparkConf().setAppName("covertree knn").setMaster(r.master())
                .setIfMissing("spark.ui.enabled", "false").setIfMissing("spark.ui.showConsoleProgress", "false");
        if (r.master().startsWith("local")) {
            // an in-process run talks to itself only: loopback, whatever the host name resolves to (or fails to)
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1").setIfMissing("spark.driver.host", "127.0.0.1");
        } else {
            // executors on a cluster have Spark's classes only: the job ships its own jars, and starts its
            // executors' JVMs with the module flags the engine and Spark need, as the driver's were
            List<String> jars = ClusterShipping.jars();
            if (!jars.isEmpty()) {
                conf.setIfMissing("spark.jars", String.join(",", jars));
            }
            conf.setIfMissing("spark.executor.extraJavaOptions", String.join(" ", ClusterShipping.jvmFlags()));
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (Exception e) {
            err.println("covertree: --spark " + r.master() + ": " + firstLine(e));
            return 2;
        }
        try (sc) {
            long t0 = System.nanoTime();
            SparkQueries queries = r.queryIds() != null ? SparkQueries.ids(r.queryIds())
                    : r.queryPoints() != null ? SparkQueries.points(r.queryPoints()) : SparkQueries.allPoints();
            try (TableOutput table = r.outParquet() == null ? null
                    : TableOutput.open(r.outParquet(), sc.hadoopConfiguration(), r.force());
                 SparkKnnResult result = SparkKnn.search(sc, job(r), queries)) {
                if (!r.quiet()) {
                    err.printf("spark: %d queries over %d segment%s, %d blocks, %d tasks on %s%n", result.queries(),
                            result.segments(), result.segments() == 1 ? "" : "s", result.blocks(), result.tasks(), sc.master());
                }
                TaskProgress listener;
                try (Progress progress = new Progress(err, "search", result.tasks(), r.quiet())) {
                    listener = new TaskProgress(progress);
                    sc.sc().addSparkListener(listener);
                    // the table first, under a temporary name: the .npy files are committed only after it is complete
                    if (table != null) {
                        result.writeParquet(SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), table.temporary());
                    }
                    result.writeNpy(r.outIndices(), r.outDistances(), r.force());
                }
                // listeners hear of tasks asynchronously: the last tasks' shuffle bytes are in once the bus is empty
                sc.sc().listenerBus().waitUntilEmpty(LISTENER_WAIT_MS);
                sc.sc().removeSparkListener(listener);
                if (table != null) {
                    table.commit();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                out.printf("knn: %d %s, k = %d, %s metric, engine %s per segment, on Spark %s%n", result.queries(),
                        result.queries() == 1 ? "query" : "queries", r.k(), r.metric().name().toLowerCase(Locale.ROOT),
                        r.engine().name().toLowerCase(Locale.ROOT), sc.master());
                out.printf("  %d segment%s x %d query blocks: %d tasks%n", result.segments(), result.segments() == 1 ? "" : "s",
                        result.blocks(), result.tasks());
                out.printf("  search and merge %.3f s (%.0f queries/s), %.1f distances per query%n", s,
                        result.queries() / Math.max(s, 1e-9), (double) result.distanceEvaluations() / result.queries());
                out.printf("  shuffle: %.1f MB written, %.1f MB read (%.1f MB from other executors), %.0f bytes per query%n",
                        listener.shuffleWritten() / 1e6, listener.shuffleRead() / 1e6, listener.shuffleReadRemote() / 1e6,
                        (double) listener.shuffleWritten() / result.queries());
                out.printf("  wrote %s and %s (%d x %d)%s%n", r.outIndices(), r.outDistances(), result.queries(), r.k(),
                        r.outParquet() == null ? "" : " and the table " + r.outParquet());
            } catch (Exception e) {
                throw inputError(e);
            }
        }
        return 0;
    }

    private static SparkKnnJob job(Request r) {
        Kernel kern = r.kernel();
        SparkKnnJob job = r.metric() == MetricType.RESIDUAL
                ? SparkKnnJob.residual(r.coords(), r.v(), r.p(), kern, r.k())
                : SparkKnnJob.euclidean(r.coords(), r.k());
        Engine engine = r.engine();
        return job.withPredecessor(r.predecessor()).withIncludeSelf(r.includeSelf()).withEngine(engine)
                .withCheckInputs(r.checkInputs()).withSegments(r.segments());
    }

    /**
     * The task's own exception when a task failed on the input, so the tool reports it as for a
     * single-process run; anything else as it came. Spark hands the driver a {@code SparkException} whose
     * message quotes the task's exception ("... executor driver): CLASS: MESSAGE") and which may not carry it
     * as its cause.
     */
    static Exception inputError(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidInputException || c instanceof NpyFormatException || c instanceof FileSystemException) {
                return (Exception) c;
            }
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        for (Class<?> type : new Class<?>[] {InvalidInputException.class, NpyFormatException.class}) {
            int at = m.indexOf(type.getName() + ": ");
            if (at >= 0) {
                String quoted = m.substring(at + type.getName().length() + 2).lines().findFirst().orElse("");
                return new InvalidInputException(quoted);
            }
        }
        return e;
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
