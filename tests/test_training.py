"""Tokenizer round trip and the whole training loop on the tiny config."""

import json
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import OBJECTS, SUBJECTS, TAILS, VERBS, make_corpus

from restore.cli import main
from restore.config import ConfigError, merge, set_values
from restore.config import load_train_config as load_config
from restore.tokenizer import hf_tokenizer_from_sentencepiece, train_sentencepiece


@pytest.fixture(scope="module")
def tokenizer():
    texts = [f"{s} {v} {o} {t}" for s in SUBJECTS for v in VERBS for o in OBJECTS for t in TAILS]
    texts += [f"In {1900 + i} it cost {i * 37} dollars." for i in range(100)]
    return hf_tokenizer_from_sentencepiece(train_sentencepiece(texts, vocab_size=300))


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. said “it’s fine” — 3.3% of 1,000 people.",
        "Tabs\tand  double  spaces stay",
        "naïve café 東京 😀 ü",  # characters never seen in training: byte fallback
        "1960s 2,500,000 3rd",
    ],
)
def test_tokenizer_round_trips_exactly(tokenizer, text):
    ids = tokenizer(text)["input_ids"]
    assert ids[-1] == tokenizer.eos_token_id
    assert tokenizer.unk_token_id not in ids
    assert tokenizer.decode(ids, skip_special_tokens=True) == text


def test_digits_are_split(tokenizer):
    pieces = tokenizer.convert_ids_to_tokens(tokenizer("2024")["input_ids"])
    assert [p.strip("▁") for p in pieces[:-1] if p.strip("▁")] == ["2", "0", "2", "4"]


def test_tokenizer_round_trips_on_the_corpus(shared_dir):
    from restore.corpus import read_documents, split_sentences

    docs = read_documents({"path": str(shared_dir / "data/corpus/bbc_news_2225.jsonl")})
    sentences = []
    for doc in docs:
        for para in doc["text"].split("\n"):
            sentences += split_sentences(para)
        if len(sentences) > 3000:
            break
    tok = hf_tokenizer_from_sentencepiece(train_sentencepiece(sentences[:1500], vocab_size=2000))
    bad = [s for s in sentences if tok.decode(tok(s)["input_ids"], skip_special_tokens=True) != s]
    assert not bad, bad[:3]


def test_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such config"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("modle: {d_model: 3}\n")
    with pytest.raises(ConfigError, match="unknown sections"):
        load_config(bad)
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(ROOT / "configs/tiny.yaml", ["training.max_stepz=3"])
    with pytest.raises(ConfigError, match="key=value"):
        load_config(ROOT / "configs/tiny.yaml", ["training.max_steps"])
    cfg = load_config(
        ROOT / "configs/tiny.yaml", ["training.max_steps=7", "model.d_model=32", "training.learning_rate=5e-4"]
    )
    assert cfg.training.max_steps == 7 and cfg.model.d_model == 32
    # YAML reads 5e-4 as a string: the typed config makes it the float it is
    assert cfg.training.learning_rate == 5e-4 and isinstance(cfg.training.learning_rate, float)
    with pytest.raises(ConfigError, match="expected int"):
        load_config(ROOT / "configs/tiny.yaml", ["training.max_steps=many"])
    with pytest.raises(ConfigError, match="not a section"):
        load_config(ROOT / "configs/tiny.yaml", ["output_dir.x=1"])
    assert load_config(ROOT / "configs/tiny.yaml").training.select_by == "loss"
    with pytest.raises(ConfigError, match=r"tiny.yaml: training.select_by: expected one of loss, f0.5"):
        load_config(ROOT / "configs/tiny.yaml", ["training.select_by=bleu"])
    # data paths are relative to the config file; output_dir to the current folder
    assert cfg.path("../data/pairs") == ROOT / "configs" / "../data/pairs"
    assert cfg.to_dict()["training"]["max_steps"] == 7 and "config_dir" not in cfg.to_dict()


def test_one_merge_and_one_set_path():
    base = {"a": {"b": 1, "c": [1]}, "d": 2}
    merged = merge(base, {"a": {"b": 5}, "e": 3})
    assert merged == {"a": {"b": 5, "c": [1]}, "d": 2, "e": 3}
    merged["a"]["c"].append(2)
    assert base["a"]["c"] == [1]  # a deep copy: the defaults are never changed
    assert set_values(base, ["a.b=2.5", "x.y.z=[1, 2]", "d=null"]) == {
        "a": {"b": 2.5, "c": [1]},
        "d": None,
        "x": {"y": {"z": [1, 2]}},
    }


@pytest.mark.slow
def test_train_tiny_save_load_restore(tmp_path, capsys, caplog):
    """restore train configs/tiny.yaml: pairs -> tokenizer -> train -> save -> load -> generate."""
    import torch
    from safetensors import safe_open
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    corpus = tmp_path / "corpus.jsonl"
    make_corpus(corpus)
    data_cfg = tmp_path / "data.yaml"
    data_cfg.write_text(
        f"seed: 1\ncorpora:\n  - {{path: {corpus}}}\nmin_doc_words: 20\nsplits: {{valid: 0.2, test: 0.1}}\n"
    )
    out = tmp_path / "run"
    args = ["train", str(ROOT / "configs/tiny.yaml"), "--set", f"data.build={data_cfg}", "--set", f"output_dir={out}"]
    assert main(args) == 0
    assert "trained 60 steps" in capsys.readouterr().err

    report = json.loads((out / "train_report.json").read_text())
    assert report["steps"] == 60 and report["tokens_per_second"] > 0
    evals = [e for e in report["curve"] if "eval_f0.5" in e]
    assert evals and all("eval_loss" in e and "elapsed_s" in e for e in evals)
    # the checkpoint kept is the one with the lowest loss over the whole valid set (logged by
    # the loss pass, the entries without F0.5; training.select_by: loss)
    full = [e for e in report["curve"] if "eval_loss" in e and "eval_f0.5" not in e]
    best = min(full, key=lambda e: e["eval_loss"])
    assert report["best_checkpoint"].endswith(f"checkpoint-{best['step']}")
    state = json.loads((Path(report["best_checkpoint"]) / "trainer_state.json").read_text())
    assert state["best_metric"] == pytest.approx(best["eval_loss"])  # not the F0.5-based score
    losses = [e["loss"] for e in report["curve"] if "loss" in e]
    assert losses[-1] < losses[0], "training loss should fall"

    model_dir = out / "model"
    # the model leaves with thresholds chosen on the run's valid pairs (restore.thresholds)
    settings = json.loads((model_dir / "restore_config.json").read_text())
    assert {k: settings[k] for k in ("min_confidence", "lone_edit_confidence", "min_spun_score")} == {
        k: report["thresholds"][k] for k in ("min_confidence", "lone_edit_confidence", "min_spun_score")
    }
    assert "valid pairs of the training run" in settings["chosen_on"]
    # the saved tokenizer does not keep the training-time truncation (it would cut inputs)
    saved = json.loads((model_dir / "tokenizer.json").read_text())
    assert saved["truncation"] is None and saved["padding"] is None
    # one output limit in the generation config: max_new_tokens (no default max_length beside it)
    gen = json.loads((model_dir / "generation_config.json").read_text())
    assert gen["max_new_tokens"] > 20 and "max_length" not in gen
    with safe_open(str(model_dir / "model.safetensors"), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}
    assert not list(model_dir.glob("*.bin")) and not list(model_dir.glob("*.pt"))
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir)
    assert next(model.parameters()).dtype == torch.float32
    tok = AutoTokenizer.from_pretrained(model_dir)
    ids = model.generate(**tok(["The council stated a brand new plan."], return_tensors="pt"), max_new_tokens=20)
    assert isinstance(tok.decode(ids[0], skip_special_tokens=True), str)
    # tied embeddings survive save/load (encoder, decoder and output layer share one matrix)
    shared = model.model.shared.weight
    assert model.lm_head.weight.data_ptr() == shared.data_ptr()
    assert model.model.encoder.embed_tokens.weight.data_ptr() == shared.data_ptr()

    # the words of the training targets travel with the model (restore.known_words)
    from restore import known_words
    from restore.pairs import load_pairs

    known = known_words.load(model_dir)
    assert known == known_words.collect(load_pairs(out / "pairs")["train"]["original"])
    assert {"the", "council"} <= known and not any(any(c.isdigit() for c in w) for w in known)
    # a model fine-tuned from it keeps the words it had
    known_words.save(model_dir, known | {"zzyzx"})

    # fine-tune the trained model on new data, and resume from a checkpoint
    out2 = tmp_path / "run2"
    assert (
        main(
            [
                "train",
                str(ROOT / "configs/tiny.yaml"),
                "--set",
                f"data.build={data_cfg}",
                "--set",
                f"output_dir={out2}",
                "--set",
                "training.max_steps=30",
                "--set",
                "model.decoder_layers=7",
                "--init-from",
                str(model_dir),
            ]
        )
        == 0
    )
    report2 = json.loads((out2 / "train_report.json").read_text())
    assert "'decoder_layers': 7} are not used" in caplog.text  # logged (on stderr when logging is not set up)
    assert report2["init_from"] == str(model_dir)
    # the report names the architecture trained (the loaded model's), not the YAML's ignored one
    assert report2["config"]["model"]["decoder_layers"] == model.config.decoder_layers != 7
    assert report2["config"]["model"]["d_model"] == model.config.d_model
    assert "zzyzx" in known_words.load(out2 / "model") and known <= known_words.load(out2 / "model")
    # --resume alone goes on with the --init-from run's architecture, tokenizer and words
    assert (
        main(
            [
                "train",
                str(ROOT / "configs/tiny.yaml"),
                "--set",
                f"data.build={data_cfg}",
                "--set",
                f"output_dir={out2}",
                "--set",
                "training.max_steps=40",
                "--resume",
            ]
        )
        == 0
    )
    report3 = json.loads((out2 / "train_report.json").read_text())
    assert report3["steps"] == 40 and report3["init_from"] == str(model_dir)
    assert report3["config"]["model"]["decoder_layers"] == model.config.decoder_layers
    assert "zzyzx" in known_words.load(out2 / "model")
    assert main(["train", str(ROOT / "configs/tiny.yaml"), "--init-from", str(tmp_path)]) == 2


def test_valid_sets_stay_row_aligned(tokenizer):
    """The in-training F0.5 pairs generated output i with reference i: the tokenized valid
    set must keep the raw sample's order (a second shuffle once scored every eval as 0)."""
    from datasets import Dataset

    from restore.training_data import valid_sets

    originals = [f"{s} {v} {o} {t}" for s in SUBJECTS[:3] for v in VERBS[:3] for o in OBJECTS[:2] for t in TAILS[:2]]
    valid = Dataset.from_dict({"spun": [o.upper() for o in originals], "original": originals})
    raw, tok = valid_sets(valid, tokenizer, 64, limit=20)
    assert len(raw) == len(tok) == 20
    assert list(raw["original"]) != originals[:20]  # it is a shuffled sample
    decoded = tokenizer.batch_decode(list(tok["labels"]), skip_special_tokens=True)
    assert decoded == list(raw["original"])
    assert tokenizer.batch_decode(list(tok["input_ids"]), skip_special_tokens=True) == list(raw["spun"])


def test_generated_metrics_hold_in_any_row_order(tokenizer):
    """The Trainer may hand predictions back in its own order (transformers 5 groups eval
    batches by length): inputs and references come from the same rows as the outputs."""
    import numpy as np
    from transformers import EvalPrediction

    from restore.training import metrics_from_predictions

    spun = ["The council stated a new plan on Monday.", "Officials said that prices would rise last week."]
    original = ["The council said a new plan on Monday.", "Officials said that prices would rise last week."]

    def ids(texts):
        rows = [tokenizer(t)["input_ids"] for t in texts]
        width = max(map(len, rows))
        return np.array([r + [-100] * (width - len(r)) for r in rows])

    compute = metrics_from_predictions(tokenizer)
    for order in ([0, 1], [1, 0]):
        s, o = [spun[i] for i in order], [original[i] for i in order]
        perfect = compute(EvalPrediction(predictions=ids(o), label_ids=ids(o), inputs=ids(s)))
        assert perfect["f0.5"] == 1.0 and perfect["exact_match"] == 1.0
        copied = compute(EvalPrediction(predictions=ids(s), label_ids=ids(o), inputs=ids(s)))
        assert copied["recall"] == 0.0 and copied["exact_match"] == 0.5


@pytest.mark.parametrize("name", ["small", "medium"])
def test_committable_configs_fit_the_model_size_limit(name, tokenizer):
    """small (shipped) and medium (the device run's) build models whose fp16 weights, with
    an 8k vocabulary and the tokenizer and word list beside them (~1 MB), stay under the
    40 MB a committed model may take; base is the larger GPU model and is not committed."""
    from restore.training import build_model

    class Vocab8k:  # only what build_model reads from a tokenizer
        pad_token_id, eos_token_id = tokenizer.pad_token_id, tokenizer.eos_token_id

        def __len__(self):
            return 8000

    cfg = load_config(ROOT / "configs" / f"{name}.yaml")
    assert cfg.tokenizer.vocab_size == 8000
    model = build_model(cfg.model, Vocab8k())
    fp16_bytes = 2 * sum(p.numel() for p in model.parameters())
    assert fp16_bytes < 40e6 - 1.5e6
    big = build_model(load_config(ROOT / "configs/base.yaml").model, Vocab8k())
    assert 2 * sum(p.numel() for p in big.parameters()) > 40e6


def test_a_tokenizer_placed_in_the_output_folder_is_used(tokenizer, tmp_path):
    """OUTPUT/tokenizer, when present, is the run's tokenizer (no SentencePiece training):
    how scripts/device/train.sh gives configs/medium.yaml the shipped model's tokenizer."""
    from restore.training_data import training_tokenizer

    tokenizer.save_pretrained(tmp_path / "tokenizer")
    cfg = load_config(ROOT / "configs/medium.yaml")
    got = training_tokenizer(cfg, None, tmp_path, None)  # no pairs: training one would fail
    assert len(got) == len(tokenizer) != cfg.tokenizer.vocab_size
    text = "The council said 3.3% of 1,000 people."
    assert got(text)["input_ids"] == tokenizer(text)["input_ids"]


def test_the_tiny_model_learns_to_restore(tiny_model):
    """The shared tiny model (600 steps on rewriter-spun generated news) fixes spun
    sentences it was trained on and held-out ones, far above the copy baseline (F0.5 0).
    A model trained to copy, or with a learning rate of 0, fails this. (Leaving clean
    text alone is beyond a model this small trained on 400 pairs: not asserted.)"""
    from restore.metrics import spin_edits
    from restore.pairs import load_pairs
    from restore.restorer import Restorer

    pairs = load_pairs(tiny_model.parent / "pairs")
    r = Restorer.from_pretrained(tiny_model, engine="torch")
    for split in ("train", "valid"):
        rows = [x for x in pairs[split] if x["kind"] == "spun"][:60]
        spun, originals = [x["spun"] for x in rows], [x["original"] for x in rows]
        m = spin_edits(spun, r.restore(spun), originals)
        assert m["f0.5"] > 0.6 and m["tp"] > 30, (split, m)


def test_a_config_that_ships_with_restore_is_found_by_its_name(tmp_path, monkeypatch):
    from restore.config import resolve_config

    monkeypatch.chdir(tmp_path)
    cfg = load_config("quickstart")
    assert cfg.data.build == "sample/data.yaml" and cfg.path(cfg.data.build).is_file()
    assert resolve_config("quickstart").name == "quickstart.yaml"
    (tmp_path / "quickstart").write_text("output_dir: mine\n")  # a file of that name here wins
    assert resolve_config("quickstart") == Path("quickstart")
    assert main(["train", "no-such-config"]) == 2


def test_data_mix_caps_folders_repeats_real_pairs_and_keeps_their_held_out_articles(tmp_path):
    """data.mix: the main folder capped at max_train_pairs, a mixed-in folder at its own cap,
    a JSONL of real pairs repeated, its held-out articles in valid (all of them), the rest
    of max_valid_pairs from the main source."""
    import datasets

    from restore.config import TrainConfig
    from restore.spinner.channel import held_out
    from restore.training_data import training_pairs

    def folder(name, n):
        rows = {
            "spun": [f"{name} spun {i}" for i in range(n)],
            "original": [f"{name} orig {i}" for i in range(n)],
            "doc_id": [f"d{i}" for i in range(n)],
            "kind": ["spun"] * n,
            "n_sent": [1] * n,
        }
        datasets.DatasetDict(
            {"train": datasets.Dataset.from_dict(rows), "valid": datasets.Dataset.from_dict(rows)}
        ).save_to_disk(str(tmp_path / name))

    folder("main", 40)
    folder("fitted", 30)
    real = tmp_path / "real.jsonl"
    real.write_text(
        "".join(
            json.dumps({"article": f"art{i // 2}", "spun": f"real spun {i}", "original": f"real {i}"}) + "\n"
            for i in range(40)
        )
    )
    held = {f"art{k}" for k in range(20) if held_out(f"art{k}", 0.3)}
    settings = {
        "data": {
            "pairs": "main",
            "max_train_pairs": 10,
            "max_valid_pairs": 25,
            "mix": [
                {"pairs": "fitted", "max_train_pairs": 5},
                {"jsonl": "real.jsonl", "repeat": 3, "holdout_share": 0.3},
            ],
        }
    }
    cfg = TrainConfig.from_dict(settings, config_dir=tmp_path)
    pairs = training_pairs(cfg, tmp_path / "run")
    train, valid = list(pairs["train"]["spun"]), list(pairs["valid"]["spun"])
    assert sum(s.startswith("main") for s in train) == 10 and sum(s.startswith("fitted") for s in train) == 5
    assert sum(s.startswith("real") for s in train) == 3 * 2 * (20 - len(held))
    assert sum(s.startswith("real") for s in valid) == 2 * len(held) and len(valid) == 25
    assert not {s for s in train if s.startswith("real")} & {s for s in valid if s.startswith("real")}
    # another training seed samples other training pairs but the same valid ones, so that
    # the two runs' valid figures compare
    reseeded = training_pairs(
        TrainConfig.from_dict({**settings, "training": {"seed": 99}}, config_dir=tmp_path), tmp_path / "run2"
    )
    assert list(reseeded["train"]["spun"]) != train
    assert list(reseeded["valid"]["spun"]) == valid
    with pytest.raises(ConfigError, match="mix\\[0\\]"):
        training_pairs(
            TrainConfig.from_dict({"data": {"pairs": "main", "mix": [{"folder": "x"}]}}, config_dir=tmp_path),
            tmp_path / "run",
        )
