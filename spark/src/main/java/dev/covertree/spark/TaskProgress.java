package dev.covertree.spark;

import dev.covertree.cli.Progress;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Feeds the tool's progress line from the driver's scheduler events: one step per search task that
 * succeeded (the shuffle-map tasks of the job; a retried task counts once, when it succeeds).
 */
final class TaskProgress extends SparkListener {
    private final Progress progress;

    TaskProgress(Progress progress) {
        this.progress = progress;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() == Success$.MODULE$ && "ShuffleMapTask".equals(end.taskType())) {
            progress.accept(1);
        }
    }
}
