/**
 * NumPy {@code .npy} and {@code .npz} files as {@link java.lang.foreign.MemorySegment}s: reading (memory-mapped
 * without a copy when the layout allows, converted once otherwise) and writing (streamed, or memory-mapped
 * block by block for outputs larger than memory), with outputs written under a temporary name and renamed.
 * No dependency on the rest of the project.
 */
package dev.covertree.npy;
