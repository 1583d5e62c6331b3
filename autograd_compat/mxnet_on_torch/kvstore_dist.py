"""The process group of the distributed KVStores, under the name other parts of the project (the
launcher) import: ``init_process_group_from_env(backend=None, timeout=None)`` and its helpers,
defined in ``kvstore/process_group.py``."""

from __future__ import annotations

from .kvstore.process_group import (
    BACKEND_ENV,
    DEFAULT_TIMEOUT,
    TIMEOUT_ENV,
    default_backend,
    dist_timeout,
    init_process_group_from_env,
    launch_env,
)

__all__ = [
    "BACKEND_ENV",
    "DEFAULT_TIMEOUT",
    "TIMEOUT_ENV",
    "default_backend",
    "dist_timeout",
    "init_process_group_from_env",
    "launch_env",
]
