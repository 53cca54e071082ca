"""Configuration: YAML files merged over defaults, ``--set key.sub=value`` overrides (the
same for every command that reads a config), and the typed training config.

    cfg = load_train_config("configs/small.yaml", ["training.max_steps=500"])
    cfg.training.max_steps, cfg.path(cfg.data.pairs)

Data and spinner configs stay mappings (their defaults live with the code that reads
them: :data:`restore.pairs.DEFAULTS`, ``restore/resources/spinner_default.yaml``) and go
through the same :func:`read_yaml`, :func:`merge` and :func:`set_values`.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml

__all__ = [
    "ConfigError",
    "read_yaml",
    "merge",
    "set_values",
    "DataArgs",
    "TokenizerArgs",
    "ModelArgs",
    "TrainingArgs",
    "TrainConfig",
    "load_train_config",
]


class ConfigError(ValueError):
    """A config file or override that cannot be used; the message says which and why."""


def read_yaml(path: str | Path) -> dict:
    """A YAML file that holds a mapping (an empty file is an empty mapping)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no such config file: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: invalid YAML: {str(e).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a YAML mapping, got {type(data).__name__}")
    return data


def merge(base: dict, over: dict) -> dict:
    """``over`` merged into a copy of ``base``: mappings key by key, anything else replaced."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def set_values(cfg: dict, overrides: list[str] | tuple[str, ...] = ()) -> dict:
    """A copy of ``cfg`` with each ``key.sub=value`` override applied (the value read as
    YAML: ``3``, ``1e-4``, ``true``, ``[a, b]``, ``null``). Missing sections are created;
    whether a key is known is for the config's reader to say."""
    out = copy.deepcopy(cfg)
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects key=value, got {item!r}")
        node, parts = out, key.strip().split(".")
        for part in parts[:-1]:
            if node.get(part) is None:
                node[part] = {}
            if not isinstance(node[part], dict):
                raise ConfigError(f"--set {key}: {part!r} is a value, not a section")
            node = node[part]
        try:
            node[parts[-1]] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise ConfigError(f"--set {key}: cannot read {value!r}") from None
    return out


# ----------------------------------------------------------------------------- training config


@dataclass
class DataArgs:
    pairs: str | None = None  # a pairs folder made by `restore pairs` (relative to the config file)
    build: str | None = None  # or a data config: pairs are built into OUTPUT_DIR/pairs first
    limit_docs: int | None = None  # documents read per corpus when building
    max_train_pairs: int | None = None  # a shuffled sample (with `mix`: of the main source)
    max_valid_pairs: int = 500
    max_length: int = 128  # tokens of an input or a target
    mix: list | None = None  # more sources mixed into train (and valid): each
    # {pairs: FOLDER, max_train_pairs: N} or {jsonl: FILE of
    # {spun, original[, article]}, repeat: N, holdout_share: S}


@dataclass
class TokenizerArgs:
    vocab_size: int = 8000
    train_sentences: int = 400_000


@dataclass
class ModelArgs:
    arch: str = "bart"
    d_model: int = 256
    encoder_layers: int = 4
    decoder_layers: int = 4
    heads: int = 4
    ffn_dim: int = 1024
    dropout: float = 0.1
    max_positions: int = 256


@dataclass
class TrainingArgs:
    max_steps: int = 1000
    max_minutes: float | None = None  # stop (saving and evaluating first) after this long
    batch_size: int = 32
    learning_rate: float = 1e-3
    warmup_steps: int = 200
    scheduler: str = "constant_with_warmup"
    weight_decay: float = 0.01
    label_smoothing: float = 0.0
    eval_steps: int = 200
    eval_generate: int = 200  # valid rows decoded at each evaluation (edit F0.5)
    select_by: str = "loss"  # the checkpoint kept: "loss" (lowest valid loss, every valid
    # row) or "f0.5" (highest F0.5 of the eval_generate rows)
    logging_steps: int = 20
    bf16: str | bool = "auto"
    seed: int = 13  # the training sample and its order; the valid sample is drawn with 13 whatever it is
    save_total_limit: int = 2
    num_beams: int = 1
    dtype_saved: str = "float16"
    threshold_pairs: int = 500  # valid pairs the restorer's thresholds are chosen on at
    # the end (restore.thresholds); 0: none chosen


SELECT_BY = ("loss", "f0.5")  # training.select_by
SECTIONS = {"data": DataArgs, "tokenizer": TokenizerArgs, "model": ModelArgs, "training": TrainingArgs}
_CASTS = {"int": int, "float": float, "str": str}


def _typed(cls, section: str, values: dict):
    """``cls(**values)`` with numbers from YAML strings ("5e-4") cast to the field's type."""
    known = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(f"{section}: unknown keys {sorted(unknown)}; known: {sorted(known)}")
    out: dict[str, object] = {}
    for name, value in values.items():
        kinds = [k.strip() for k in str(known[name].type).split("|")]
        if value is None and "None" in kinds:
            out[name] = None
            continue
        cast = _CASTS.get(kinds[0])
        if cast is not None and "bool" not in kinds and not isinstance(value, bool):
            try:
                value = cast(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{section}.{name}: expected {known[name].type}, got {value!r}") from None
        out[name] = value
    return cls(**out)


@dataclass
class TrainConfig:
    """What ``restore train`` reads from a YAML config (``configs/small.yaml``)."""

    output_dir: str = "runs/restore"  # relative to the current folder, like any Trainer
    data: DataArgs = field(default_factory=DataArgs)
    tokenizer: TokenizerArgs = field(default_factory=TokenizerArgs)
    model: ModelArgs = field(default_factory=ModelArgs)
    training: TrainingArgs = field(default_factory=TrainingArgs)
    config_dir: str | None = None  # the config file's folder: data paths are relative to it

    def __post_init__(self):
        if self.training.select_by not in SELECT_BY:
            raise ConfigError(
                f"training.select_by: expected one of {', '.join(SELECT_BY)}, got {self.training.select_by!r}"
            )

    @classmethod
    def from_dict(cls, values: dict, config_dir: str | Path | None = None) -> TrainConfig:
        unknown = set(values) - {"output_dir", *SECTIONS}
        if unknown:
            raise ConfigError(f"unknown sections {sorted(unknown)}; known: {sorted(['output_dir', *SECTIONS])}")
        sections = {}
        for name, cls_ in SECTIONS.items():
            section = values.get(name) or {}
            if not isinstance(section, dict):
                raise ConfigError(f"{name}: expected a mapping, got {section!r}")
            sections[name] = _typed(cls_, name, section)
        return cls(
            output_dir=str(values.get("output_dir", cls.output_dir)),
            **sections,
            config_dir=str(config_dir) if config_dir is not None else None,
        )

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("config_dir")
        return out

    def path(self, value: str | None) -> Path | None:
        """A data path of the config: relative ones are relative to the config file's folder."""
        if value is None:
            return None
        p = Path(value)
        return p if p.is_absolute() or self.config_dir is None else Path(self.config_dir) / p


def config_dirs() -> list[Path]:
    """Where named configs live: a source checkout's ``configs/``, then the copy a wheel
    installs under ``share/restore/configs`` (beside the package for ``pip install
    --target``, else under the environment's prefix)."""
    import sys
    from importlib import metadata

    dirs = [Path(__file__).resolve().parents[1] / "configs"]
    try:
        dirs.append(Path(str(metadata.distribution("restore").locate_file(""))) / "share/restore/configs")
    except metadata.PackageNotFoundError:
        pass
    return dirs + [Path(sys.prefix) / "share/restore/configs"]


def resolve_config(name: str | Path) -> Path:
    """A config file: ``name`` itself when it exists, else a config of that name that ships
    with restore (``restore train quickstart``, ``tiny``, ``real``, ...)."""
    path = Path(name)
    if path.exists() or path.suffix or len(path.parts) > 1:
        return path
    for folder in config_dirs():
        if (folder / f"{name}.yaml").is_file():
            return folder / f"{name}.yaml"
    return path


def load_train_config(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> TrainConfig:
    """The YAML training config over the defaults, then ``--set`` overrides. ``path`` may
    name a config that ships with restore (:func:`resolve_config`)."""
    path = resolve_config(path)
    values = set_values(read_yaml(path), overrides)
    try:
        return TrainConfig.from_dict(values, Path(path).resolve().parent)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
