/**
 * Making the residual metric's inputs from coordinates and a kernel: choosing inducing points
 * ({@link dev.covertree.engine.prepare.Inducing}), the Cholesky factor of their kernel matrix and V and p for
 * any set of points ({@link dev.covertree.engine.prepare.ResidualBasis}), and the whole step in one call
 * ({@link dev.covertree.engine.prepare.PreparedResidual}).
 */
package dev.covertree.engine.prepare;
