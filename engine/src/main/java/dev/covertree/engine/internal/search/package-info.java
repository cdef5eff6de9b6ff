/**
 * Internal: what the metrics and the engines share while searching: a search thread's reusable scratch
 * ({@code Worker}: heaps, traversal stacks, queues, batch buffers; nothing is allocated per query), the
 * sorted k-best list ({@code TopK}), the trees' flat node records ({@code NodeLayout}, {@code NodeOrder},
 * {@code BoundsNodeLayout}) and saved trees' common header ({@code TreeFiles}). Imports the data model and the
 * utilities only. Not exported, not API.
 */
package dev.covertree.engine.internal.search;
