"""What a restorer is made of: :class:`RestorerSpec`.

A spec names the model folder, the decoding engine and its settings, and the thresholds
the restorer applies (:class:`restore.guards.Thresholds`). :meth:`RestorerSpec.build`
makes one from the caller's settings and the model's own (``restore_config.json``) without
loading the model; ``restore run`` builds it once and hands it to the local restorer
(:meth:`restore.restorer.Restorer.from_spec`) or to each Ray worker (:mod:`restore.ray`).
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

from .guards import Thresholds
from .model_folder import InvalidModel, ModelNotFound, read_json

__all__ = ["RestorerSpec", "default_model_dir", "find_model", "model_settings", "DEFAULT_MODEL_NAME"]

DEFAULT_MODEL_NAME = "restore-small"
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
COMPUTE_TYPES = ("float32", "int8")  # restore_config.json compute_type: what the auto engine may use
THRESHOLD_NAMES = ("min_confidence", "lone_edit_confidence", "min_spun_score")


def default_model_dir() -> Path:
    """The model used when none is given, the first of:

    1. ``$RESTORE_MODEL``;
    2. ``models/restore-small`` of a source checkout (an editable install);
    3. the copy a wheel installs under ``<prefix>/share/restore/models/restore-small``;
    4. ``$XDG_DATA_HOME/restore/models/restore-small`` (default ``~/.local/share``), for a
       model placed there by hand.
    """
    env = os.environ.get("RESTORE_MODEL")
    if env:
        path = Path(env)
        if not (path / "config.json").is_file():
            raise ModelNotFound(f"RESTORE_MODEL={env}: no model folder there (config.json missing)")
        return path
    candidates = [
        MODELS_DIR / DEFAULT_MODEL_NAME,
        *_installed_model_dirs(),
        Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / "restore/models" / DEFAULT_MODEL_NAME,
    ]
    for path in candidates:
        if (path / "config.json").is_file():
            return path
    raise ModelNotFound(
        "no restore model found (looked in: "
        + ", ".join(map(str, candidates))
        + "); pass --model DIR or set RESTORE_MODEL"
    )


def _installed_model_dirs() -> list[Path]:
    """Where the installed distribution put its data files (``share/restore/models/...``)."""
    from importlib import metadata

    try:
        dist = metadata.distribution("restore")
    except metadata.PackageNotFoundError:
        return []
    marker = f"share/restore/models/{DEFAULT_MODEL_NAME}/config.json"
    # locate_file gives a pathlib.Path, typed as importlib's SimplePath protocol
    found = [Path(str(dist.locate_file(f))).resolve().parent for f in dist.files or () if str(f).endswith(marker)]
    # pip install --target puts the data files beside the package; a plain prefix install
    # under sys.prefix
    share = Path("share/restore/models") / DEFAULT_MODEL_NAME
    return found + [Path(str(dist.locate_file(""))) / share, Path(sys.prefix) / share]


def find_model(path: str | Path | None) -> Path:
    """The model folder ``path`` names: the default model when it is ``None`` or the
    packaged model's name (and no folder of that name is here)."""
    folder = Path(path) if path else default_model_dir()
    if str(folder) == DEFAULT_MODEL_NAME and not folder.exists():
        folder = default_model_dir()
    return folder


def model_settings(path: Path) -> dict:
    """The restorer's settings stored with a model (``restore_config.json``): the
    recommended thresholds (``min_confidence``, ``lone_edit_confidence``,
    ``min_spun_score``), chosen when the model was shipped, and the CTranslate2 precision
    the ``auto`` engine uses (``compute_type``: ``float32``, the default, or ``int8``, when
    it was measured to leave restored-text quality unchanged). A file that is not JSON,
    or holds a setting out of range, is :class:`InvalidModel` (a ``ValueError``)."""
    file = Path(path) / "restore_config.json"
    settings = read_json(file) if file.is_file() else {}
    if settings.get("compute_type", "float32") not in COMPUTE_TYPES:
        raise InvalidModel(
            f"{file}: compute_type must be one of {', '.join(COMPUTE_TYPES)}, got {settings['compute_type']!r}"
        )
    try:
        Thresholds(**{k: settings[k] for k in THRESHOLD_NAMES if k in settings})
    except ValueError as e:
        raise InvalidModel(f"{file}: {e}") from None
    return settings


@dataclass(frozen=True)
class RestorerSpec:
    """How to make a restorer: the model folder (readable wherever the restorer is made),
    its engine and decoding settings, and its thresholds (``None``: the model's own)."""

    model: str | Path
    engine: str = "auto"
    batch_size: int = 32
    num_beams: int = 1
    device: str = "cpu"
    threads: int | None = None  # CPU threads; None: every core this process may run on
    thresholds: Thresholds | None = None
    compute_type: str | None = None  # the auto engine's CTranslate2 precision (the model's); None: float32
    unchosen: bool = False  # some thresholds are 0 because the model recommends none (warn_if_unchosen)

    @classmethod
    def build(
        cls,
        model: str | Path | None = None,
        *,
        engine: str = "auto",
        batch_size: int = 32,
        num_beams: int = 1,
        device: str = "cpu",
        threads: int | None = None,
        min_confidence: float | None = None,
        lone_edit_confidence: float | None = None,
        min_spun_score: float | None = None,
        document_evidence: bool | None = None,
    ) -> RestorerSpec:
        """The spec for the model folder ``model`` (default: the shipped model), its
        thresholds filled in: each one left ``None`` takes the model's recommended value
        from its ``restore_config.json`` (0 without one: :meth:`warn_if_unchosen`). Reads
        that file, never the model."""
        from .engines import ENGINES

        for name, value in (("batch_size", batch_size), ("num_beams", num_beams)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        folder = find_model(model)
        settings = model_settings(folder)
        if engine not in ENGINES:  # the caller's mistake, not the model's
            raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
        given = dict(zip(THRESHOLD_NAMES, (min_confidence, lone_edit_confidence, min_spun_score)))
        values = {k: settings.get(k, 0.0) if v is None else v for k, v in given.items()}
        evidence = settings.get("document_evidence", False) if document_evidence is None else document_evidence
        Thresholds(**values, document_evidence=bool(evidence))  # each from 0 to 1, or ValueError
        thresholds = Thresholds(**{k: float(v) for k, v in values.items()}, document_evidence=bool(evidence))
        return cls(
            folder,
            engine=engine,
            batch_size=batch_size,
            num_beams=num_beams,
            device=device,
            threads=threads,
            thresholds=thresholds,
            compute_type=settings.get("compute_type") if engine == "auto" else None,
            unchosen=("min_confidence" not in settings and None in given.values()),
        )

    def warn_if_unchosen(self) -> None:
        """Warn (for the caller's caller) when the model recommends no thresholds and some
        were left to it: every edit the model proposes, sure or not, is then applied."""
        if self.unchosen:
            # on clean text that is many false fixes (a fine-tuned model without them changed 76 of 300)
            warnings.warn(
                f"{self.model} has no recommended thresholds (restore_config.json): every edit the "
                f"model proposes is applied, and clean text will be changed; choose them with `restore "
                f"thresholds {self.model} --pairs PAIRS.jsonl --write` (restore train does it)",
                stacklevel=3,
            )

    def on_worker(self, cpus: float, gpus: float) -> RestorerSpec:
        """This spec for a worker given ``cpus`` CPUs and ``gpus`` GPUs (a Ray actor)."""
        return replace(self, device="cuda" if gpus > 0 else "cpu", threads=max(1, int(cpus)))
