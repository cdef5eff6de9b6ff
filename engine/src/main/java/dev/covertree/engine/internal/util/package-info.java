/** Internal: the engine's one parallel loop. Not API. */
package dev.covertree.engine.internal.util;
