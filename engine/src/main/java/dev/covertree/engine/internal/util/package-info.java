/** Internal: the engine's one parallel loop, the process's memory limit, native allocations and the per-query work histogram. Not API. */
package dev.covertree.engine.internal.util;
