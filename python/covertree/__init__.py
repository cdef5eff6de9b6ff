"""Exact k-nearest neighbours under the residual-correlation (Vecchia / VIF) and Euclidean metrics, for
NumPy users: arrays in, arrays out, through the project's command-line tool (found through
``$COVERTREE_HOME``, or the project folder recorded when the package was installed).

Functions: :func:`knn`, :func:`prepare`, :func:`vecchia_neighbors`. Calls go to a long-lived worker process
(started by the first call, stopped when this process ends or after 10 idle minutes); :class:`Worker` gives
explicit control, ``COVERTREE_WORKER=0`` runs each call as a process of its own. Errors: :class:`CovertreeUsageError`
(a ValueError: bad arguments), :class:`InputDataError` (data that cannot be used), :class:`CovertreeError`.
"""
from .api import knn, prepare, vecchia_neighbors
from ._worker import Worker
from .errors import CovertreeError, CovertreeUsageError, InputDataError

__all__ = ["knn", "prepare", "vecchia_neighbors", "Worker", "CovertreeError", "CovertreeUsageError", "InputDataError"]
