/**
 * The exact k-NN job on Apache Spark. The points are split into contiguous id segments; each task searches
 * one segment's index (built once per executor and segment) for one block of queries and returns their
 * partial top-k lists, which merge per query block in a reduce. The answer is the single-process answer to
 * the bit: every engine computes the same canonical distance, and the k smallest of the union of the
 * segments' k smallest lists, ties by the smaller id, are the k smallest overall. In predecessor mode a
 * query visits only the segments that start below it.
 *
 * <p>Entry points: {@link dev.covertree.spark.SparkKnn} for programs that own a {@code JavaSparkContext};
 * {@code covertree knn --spark MASTER} for the command line (through {@link dev.covertree.spark.SparkKnnRunner}).
 */
package dev.covertree.spark;
