"""The Ray a job runs on: :func:`connect` joins a cluster (or starts Ray on this machine)
with Ray's own console output kept quiet, and :class:`RayOptions` sizes the pool of actors
(model replicas) that restore on it (:func:`actor_pool`). Used by :mod:`restore.ray`."""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass

__all__ = ["RayOptions", "RayUnavailable", "connect", "actor_pool", "stderr_to_devnull"]


@dataclass
class RayOptions:
    address: str | None = None  # None: start a Ray instance on this machine; "auto", "ray://HOST:PORT"
    workers: int | None = None  # model replicas (actors); None: as many as the cluster's CPUs allow
    cpus_per_worker: float = 1.0
    gpus_per_worker: float = 0.0


class RayUnavailable(ImportError):
    """Ray is not installed, or the cluster asked for cannot be reached."""


def connect(address: str | None = None):
    """The ``ray`` module, connected: to ``address`` when given, else to the Ray instance
    this process already has, else to a new one on this machine. Returns ``(ray, started)``."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable('the Ray backend needs Ray: pip install "restore[ray]"') from None
    import ray.data

    # Ray Data's plan and timing lines go to its log file only: its own console handler is
    # quietened; handlers that are not Ray's (the application's, pytest's) are left alone
    for handler in logging.getLogger("ray.data").handlers:
        if (
            isinstance(handler, logging.StreamHandler)
            and not isinstance(handler, logging.FileHandler)
            and type(handler).__module__.startswith("ray.")
        ):
            handler.setLevel(logging.ERROR)
    started = False
    if not ray.is_initialized():
        # Ray's C++ core logs a warning-level note as an error on every actor pool
        # (ray-project/ray#53727); RAY_BACKEND_LOG_LEVEL=warning brings such lines back
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        try:
            # Ray's own notes while it starts (token authentication, the C++ core's log level,
            # "Started a local Ray instance") are not the user's business: the driver's stderr is
            # closed to them for the call; a failure still raises with its message
            with stderr_to_devnull():
                ray.init(
                    address=address,
                    include_dashboard=False,
                    logging_level=logging.ERROR,
                    log_to_driver=False,
                    configure_logging=True,
                )
        except ConnectionError as e:
            raise RayUnavailable(
                f"cannot reach a Ray cluster at {address!r}: {str(e).splitlines()[0]} "
                f"(start one with `ray start --head`, or leave out --address to start "
                f"Ray on this machine)"
            ) from None
        started = True
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # pieces come back in file order
    ctx.enable_progress_bars = False  # restore run shows its own
    for name in (
        "enable_operator_progress_bars",
        "enable_rich_progress_bars",
        "print_on_execution_start",
        "enable_auto_log_stats",
        "verbose_stats_logs",
    ):  # Ray Data's own lines on stderr
        if hasattr(ctx, name):
            setattr(ctx, name, False)
    return ray, started


@contextlib.contextmanager
def stderr_to_devnull():
    """File descriptor 2 of this process on /dev/null inside the block (what Ray's C++ core
    writes there too), then back; Python's ``sys.stderr`` is flushed on both sides."""
    import sys

    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2: nothing to hide
        yield
        return
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved, 2)
        os.close(saved)


def actor_pool(ray, opts: RayOptions, spare_cpus: int = 0):
    """A fixed pool of ``opts.workers`` actors; by default as many as the cluster's CPUs
    allow, ``spare_cpus`` left for the tasks that feed them."""
    workers = opts.workers
    if workers is None:
        cpus = ray.cluster_resources().get("CPU", 1) - spare_cpus
        workers = max(1, int(cpus // max(opts.cpus_per_worker, 1e-9)))
    if workers < 1:
        raise ValueError("--workers must be at least 1")
    return ray.data.ActorPoolStrategy(size=workers)
