/**
 * Internal: the dense float64 operations of the project, through hand-written {@code java.lang.foreign}
 * downcalls to the system's OpenBLAS and LAPACKE: the Cholesky factorisation and triangular solve that V is
 * made with ({@link dev.covertree.engine.internal.linalg.LinearAlgebra}, in pure Java when those libraries are
 * missing) and the matrix product of the brute force ({@link dev.covertree.engine.internal.linalg.MatrixProduct},
 * absent without OpenBLAS). {@code OpenBlasCoreType} picks OpenBLAS's AVX-512 kernels where its own detection
 * does not know the CPU. Not API.
 */
package dev.covertree.engine.internal.linalg;
