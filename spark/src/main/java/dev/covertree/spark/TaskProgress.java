package dev.covertree.spark;

import dev.covertree.cli.Progress;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Feeds the tool's progress line from the driver's scheduler events: one step per search task that
 * succeeded (the shuffle-map tasks of the job; a retried task counts once, when it succeeds). Also sums the
 * shuffle's bytes over the tasks that succeeded: what the search tasks wrote (their partial neighbour lists)
 * and what the merge tasks read, in total and from other executors (over the network on a cluster).
 */
final class TaskProgress extends SparkListener {
    private final Progress progress;
    private long shuffleWritten;
    private long shuffleRead;
    private long shuffleReadRemote;

    TaskProgress(Progress progress) {
        this.progress = progress;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() != Success$.MODULE$) {
            return;
        }
        if ("ShuffleMapTask".equals(end.taskType())) {
            progress.accept(1);
        }
        if (end.taskMetrics() != null) {
            shuffleWritten += end.taskMetrics().shuffleWriteMetrics().bytesWritten();
            shuffleRead += end.taskMetrics().shuffleReadMetrics().totalBytesRead();
            shuffleReadRemote += end.taskMetrics().shuffleReadMetrics().remoteBytesRead();
        }
    }

    /** Shuffle bytes the succeeded tasks wrote. */
    synchronized long shuffleWritten() {
        return shuffleWritten;
    }

    /** Shuffle bytes the succeeded tasks read. */
    synchronized long shuffleRead() {
        return shuffleRead;
    }

    /** Of {@link #shuffleRead}, the bytes fetched from other executors. */
    synchronized long shuffleReadRemote() {
        return shuffleReadRemote;
    }
}
