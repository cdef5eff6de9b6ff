/**
 * Internal: the Cholesky factorisation and triangular solve that V is made with, through hand-written
 * {@code java.lang.foreign} downcalls to LAPACKE and CBLAS (OpenBLAS from the system) or in pure Java when
 * those are missing. Not API.
 */
package dev.covertree.engine.internal.linalg;
