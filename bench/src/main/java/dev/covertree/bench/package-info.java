/**
 * Benchmarks: the JMH micro-benchmarks, the workloads and their generator, and {@code covertree bench},
 * which runs this project's engines beside the peer libraries (Smile, ELKI) on the same data. The peers'
 * licences (GPL, AGPL) are why this module is never on the tool's or an embedder's class path.
 */
package dev.covertree.bench;
