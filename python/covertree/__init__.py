"""Exact k-nearest neighbours under the residual-correlation (Vecchia / VIF) and Euclidean metrics, for
NumPy users: arrays in, arrays out, through the project's command-line tool (found through
``$COVERTREE_HOME``, or the project folder recorded when the package was installed).

Functions: :func:`knn`, :func:`prepare`, :func:`vecchia_neighbors`. Errors: :class:`CovertreeUsageError`
(a ValueError: bad arguments), :class:`InputDataError` (data that cannot be used), :class:`CovertreeError`.
"""
from .api import knn, prepare, vecchia_neighbors
from .errors import CovertreeError, CovertreeUsageError, InputDataError

__all__ = ["knn", "prepare", "vecchia_neighbors", "CovertreeError", "CovertreeUsageError", "InputDataError"]
