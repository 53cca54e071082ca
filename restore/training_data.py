"""The data of a training run: its (spun, original) pairs (a ``restore pairs`` folder, one
built from a data config, or a JSONL file of real pairs, with ``data.mix`` sources added),
the tokenizer (trained on them, or the ``--init-from`` model's) and the tokenized sets."""

from __future__ import annotations

import os
from pathlib import Path

from . import known_words
from .config import ConfigError, TrainConfig

# the valid sample is drawn with this seed whatever training.seed is (the default of both),
# so that runs with other training seeds are scored on the same valid rows: their valid
# loss and F0.5 compare
VALID_SEED = 13


def training_pairs(cfg: TrainConfig, out_dir: Path):
    """The train and valid pairs: the main source (``data.pairs`` or ``data.build``),
    then each ``data.mix`` source added (:func:`mixed_pairs`)."""
    from .pairs import build_pairs, load_pairs

    data = cfg.data
    if data.pairs:
        path = _config_path(cfg, data.pairs, "data.pairs")
        if (path / "dataset_dict.json").is_file():
            pairs = load_pairs(path)
        elif path.is_file():  # a JSONL of {spun, original} pairs, as `restore eval --data` takes
            pairs = jsonl_pairs(path, 1, 0.1)
        else:
            raise ConfigError(
                f"data.pairs: no pair datasets in {path} (build them with "
                f"`restore pairs --config configs/data.yaml -o {path}`, or name a "
                f"JSONL file of {{spun, original}} pairs)"
            )
    elif data.build:
        cfg_path = _config_path(cfg, data.build, "data.build")
        target = out_dir / "pairs"
        if not (target / "dataset_dict.json").is_file():
            build_pairs(cfg_path, target, limit_docs=data.limit_docs)
        pairs = load_pairs(target)
    else:
        raise ConfigError("data: set `pairs` (a folder of built pairs or a JSONL file) or `build` (a data config)")
    return mixed_pairs(cfg, pairs) if data.mix else pairs


def _config_path(cfg: TrainConfig, value: str | None, key: str) -> Path:
    """``cfg.path(value)`` of a path the config must name (a clear error where it names none)."""
    path = cfg.path(value)
    if path is None:
        raise ConfigError(f"{key}: expected a path, got nothing")
    return path


def jsonl_pairs(path: Path, repeat: int, holdout_share: float):
    """A JSONL file of real pairs as train and valid splits: the articles held out by
    :func:`restore.spinner.channel.held_out` (the same rule the fitted spinner leaves
    them out of its fit by) are valid, the others train, repeated ``repeat`` times."""
    import datasets

    from .spinner.channel import held_out, read_pairs

    try:
        rows = read_pairs(path)
    except (OSError, ValueError) as e:
        raise ConfigError(f"data: cannot read pairs from {path}: {e}") from None
    split: dict[str, list[dict]] = {"train": [], "valid": []}
    for row in rows:
        split["valid" if held_out(row["article"], holdout_share) else "train"].append(row)
    if holdout_share and (not split["valid"] or not split["train"]):
        # too few articles for the share to hold one out: rows are held out instead
        split = {"train": [], "valid": []}
        for n, row in enumerate(rows):
            split["valid" if held_out(f"{row['article']}:{n}", holdout_share) else "train"].append(row)
    if not split["train"]:
        raise ConfigError(f"data: {path} holds no training pairs")
    split["train"] = split["train"] * repeat
    return datasets.DatasetDict(
        {
            name: datasets.Dataset.from_dict(
                {"spun": [r["spun"] for r in part], "original": [r["original"] for r in part]}
            )
            for name, part in split.items()
        }
    )


def mixed_pairs(cfg: TrainConfig, pairs):
    """``pairs`` with the ``data.mix`` sources added: folders capped at their
    ``max_train_pairs`` (a shuffled sample), JSONL files of real pairs repeated. Valid
    keeps every held-out real pair and fills the rest of ``max_valid_pairs`` from the
    main source."""
    import datasets

    from .pairs import load_pairs

    seed = cfg.training.seed
    only = lambda ds: ds.select_columns(["spun", "original"])  # noqa: E731
    main_train = pairs["train"].shuffle(seed=seed)
    if cfg.data.max_train_pairs:  # with a mix, the cap is the main source's own
        main_train = main_train.select(range(min(cfg.data.max_train_pairs, len(main_train))))
    train, valid = [only(main_train)], []
    for n, source in enumerate(cfg.data.mix or []):
        if not isinstance(source, dict) or ("pairs" in source) == ("jsonl" in source):
            raise ConfigError(f"data.mix[{n}]: expected {{pairs: FOLDER}} or {{jsonl: FILE}}, got {source!r}")
        unknown = set(source) - {"pairs", "jsonl", "max_train_pairs", "repeat", "holdout_share"}
        if unknown:
            raise ConfigError(f"data.mix[{n}]: unknown keys {sorted(unknown)}")
        if "pairs" in source:
            path = _config_path(cfg, source["pairs"], f"data.mix[{n}].pairs")
            if not (path / "dataset_dict.json").is_file():
                raise ConfigError(f"data.mix[{n}]: no pair datasets in {path}")
            part = load_pairs(path)
            limit = source.get("max_train_pairs")
            part_train = part["train"].shuffle(seed=seed)
            train.append(only(part_train.select(range(min(int(limit), len(part_train)))) if limit else part_train))
        else:
            part = jsonl_pairs(
                _config_path(cfg, source["jsonl"], f"data.mix[{n}].jsonl"),
                int(source.get("repeat", 1)),
                float(source.get("holdout_share", 0.0)),
            )
            train.append(part["train"])
            valid.append(part["valid"])
    main_valid = only(pairs["valid"]).shuffle(seed=VALID_SEED)
    room = max(0, cfg.data.max_valid_pairs - sum(len(v) for v in valid))
    valid.insert(0, main_valid.select(range(min(room, len(main_valid)))))
    return datasets.DatasetDict(
        {"train": datasets.concatenate_datasets(train), "valid": datasets.concatenate_datasets(valid)}
    )


def training_tokenizer(cfg: TrainConfig, pairs, out_dir: Path, init_from: Path | None):
    from transformers import AutoTokenizer

    from .tokenizer import hf_tokenizer_from_sentencepiece, train_sentencepiece

    if init_from is not None:
        return AutoTokenizer.from_pretrained(init_from)
    tok_dir = out_dir / "tokenizer"
    if (tok_dir / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(tok_dir)
    train = pairs["train"]
    n = min(len(train), cfg.tokenizer.train_sentences // 2)
    sample = train.shuffle(seed=cfg.training.seed).select(range(n))
    texts = (t for row in sample for t in (row["original"], row["spun"]))
    model_bytes = train_sentencepiece(texts, vocab_size=cfg.tokenizer.vocab_size)
    tok = hf_tokenizer_from_sentencepiece(model_bytes, model_max_length=cfg.model.max_positions)
    tok.save_pretrained(tok_dir)
    (tok_dir / "spiece.model").write_bytes(model_bytes)
    return tok


def tokenized(pairs, tokenizer, max_length: int, limit: int | None, seed: int | None):
    """Token ids and labels; shuffled when ``seed`` is given, else in the input's order."""
    ds = pairs.shuffle(seed=seed) if seed is not None else pairs
    if limit:
        ds = ds.select(range(min(limit, len(ds))))

    def encode(batch):
        enc = tokenizer(batch["spun"], max_length=max_length, truncation=True)
        enc["labels"] = tokenizer(batch["original"], max_length=max_length, truncation=True)["input_ids"]
        return enc

    # a full pair set (650k rows) takes ~2.5 min in one process: on a GPU machine with
    # many cores that is half of a short run's budget
    num_proc = min(os.cpu_count() or 1, 8) if len(ds) >= 100_000 else 1
    return ds.map(
        encode,
        batched=True,
        remove_columns=ds.column_names,
        desc="tokenizing",
        num_proc=num_proc if num_proc > 1 else None,
    )


def valid_sets(valid, tokenizer, max_length: int, limit: int):
    """A shuffled sample of the valid pairs (drawn with :data:`VALID_SEED`) and its tokenized
    form, row for row: the generated F0.5 compares output i of the tokenized set with
    ``original`` i of the raw."""
    raw = valid.shuffle(seed=VALID_SEED)
    raw = raw.select(range(min(len(raw), limit)))
    return raw, tokenized(raw, tokenizer, max_length, None, None)


def write_known_words(model: str | Path, pairs: str | Path) -> tuple[Path, int, int]:
    """Join the originals of ``pairs``' train split (a ``restore pairs`` folder) to ``model``'s
    list of known words (:mod:`restore.known_words`), as ``restore train`` does for the
    models it makes: (file, words, pairs read)."""
    from .pairs import load_pairs

    train = load_pairs(pairs)["train"]
    words = known_words.collect(train["original"], known_words.load(model) or ())
    return known_words.save(model, words), len(words), len(train)
