"""Tests for restore.pairs: building (spun, original) pair datasets."""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import pytest
import yaml
from conftest import FIXTURES

from restore.pairs import build_pairs, load_pairs, resolve_config

SWAPS = {
    "said": "stated",
    "big": "large",
    "new": "brand new",
    "people": "individuals",
    "company": "firm",
    "year": "12 months",
    "but": "however",
    "help": "assist",
}


class FakeSpinner:
    """Deterministic stand-in for restore.spinner.Spinner (same spin_document API).

    One swap probability is drawn per call (per document) from the seed; sentences
    without a word from SWAPS come back unchanged.
    """

    def __init__(self):
        self.calls = 0

    def spin_document(self, sentences, seed=0, is_title=False):
        self.calls += 1
        rng = random.Random(f"fake:{seed}")
        rate = rng.uniform(0.5, 1.0)

        def swap(m):
            word = m.group(0)
            return SWAPS[word] if rng.random() < rate else word

        pattern = re.compile(r"\b(" + "|".join(SWAPS) + r")\b")
        return [pattern.sub(swap, s) for s in sentences]


NOUNS = ["council", "farmer", "bank", "school", "court", "hospital", "museum", "port", "mayor", "union"]
VERBS = ["opened", "closed", "planned", "delayed", "approved", "rejected", "funded", "reviewed"]
PLACES = ["Ashford", "Bexley", "Carlow", "Dunmore", "Elgin", "Fenwick", "Galway", "Hexham"]


def make_corpus(path, n_docs=50, seed=0):
    """Write ``n_docs`` generated prose documents (2 paragraphs of 3 sentences) as JSONL."""
    rng = random.Random(seed)
    with path.open("w") as f:
        for d in range(n_docs):

            def sentence(j, d=d):
                return (
                    f"The {rng.choice(NOUNS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} a big plan "
                    f"for item {d * 10 + j}, the company said, but people want new help this year."
                )

            paras = [" ".join(sentence(3 * p + j) for j in range(3)) for p in range(2)]
            # a clean sentence without any swappable word (comes back unchanged)
            paras[1] += f" Nothing else changed in district {d}."
            f.write(
                json.dumps({"id": f"d{d}", "title": f"Plan number {d} gets new help", "text": "\n".join(paras)}) + "\n"
            )


@pytest.fixture
def corpus_cfg(tmp_path):
    make_corpus(tmp_path / "gen.jsonl")
    return {
        "seed": 5,
        "corpora": [{"path": "gen.jsonl"}, {"path": str(FIXTURES / "corpus" / "news.jsonl")}],
        "splits": {"valid": 0.2, "test": 0.2},
        "spins_per_sentence": 3,
        "identity_frac": 0.12,
        "multi_sentence_frac": 0.1,
        "min_doc_words": 60,
    }


def build(cfg, tmp_path, name="out", **kw):
    out = tmp_path / name
    stats = build_pairs(cfg, out, base_dir=tmp_path, progress=False, spinner=kw.pop("spinner", FakeSpinner()), **kw)
    return out, stats


def test_pair_dataset_shape_and_kinds(corpus_cfg, tmp_path):
    out, stats = build(corpus_cfg, tmp_path)
    dd = load_pairs(out)
    assert set(dd) == {"train", "valid", "test"}
    rows = [r for split in dd.values() for r in split]
    for split in dd.values():
        assert split.column_names == ["spun", "original", "doc_id", "kind", "n_sent"]
    kinds = Counter(r["kind"] for r in rows)
    assert set(kinds) == {"spun", "identity", "multi"}
    assert 0.08 < kinds["identity"] / len(rows) < 0.16
    assert 0.06 < kinds["multi"] / len(rows) < 0.14
    for r in rows:
        if r["kind"] == "identity":
            assert r["spun"] == r["original"]
        else:
            assert r["spun"] != r["original"]
        if r["kind"] == "multi":
            assert r["n_sent"] in (2, 3)
        else:
            assert r["n_sent"] == 1
    # every row is unique within its document
    assert len({(r["doc_id"], r["spun"], r["original"]) for r in rows}) == len(rows)
    # titles are used; the earnings table (news:n3), the duplicate (n4) and the short doc (n6) are not
    originals = {r["original"] for r in rows}
    assert "Plan number 7 gets new help" in originals
    assert {r["doc_id"].split(":")[1] for r in rows if r["doc_id"].startswith("news:")} == {"n1", "n2", "n5"}
    assert not any(" vs " in o for o in originals)
    # stats agree with the data
    for split, ds in dd.items():
        assert sum(stats["pairs"][split].values()) == len(ds)
        assert stats["pairs"][split]["identity"] == sum(k == "identity" for k in ds["kind"])
    news = stats["sources"][str(FIXTURES / "corpus" / "news.jsonl")]
    assert news == {
        "read": 6,
        "kept": 3,
        "dropped_nonprose": 2,
        "dropped_duplicate": 1,
        "words_kept": news["words_kept"],
    }
    assert json.loads((out / "stats.json").read_text()) == stats
    written = yaml.safe_load((out / "data_config.yaml").read_text())
    assert written["seed"] == 5 and written["spins_per_sentence"] == 3


def test_no_document_in_two_splits(corpus_cfg, tmp_path):
    out, stats = build(corpus_cfg, tmp_path)
    dd = load_pairs(out)
    ids = {name: set(ds["doc_id"]) for name, ds in dd.items()}
    assert all(ids.values()), {k: len(v) for k, v in ids.items()}  # every split has documents
    assert not ids["train"] & ids["valid"]
    assert not ids["train"] & ids["test"]
    assert not ids["valid"] & ids["test"]
    assert sum(stats["documents"].values()) == 53


def test_build_is_deterministic_and_independent_of_num_proc(corpus_cfg, tmp_path):
    a, _ = build(corpus_cfg, tmp_path, "a")
    b, _ = build(corpus_cfg, tmp_path, "b")
    c, _ = build(corpus_cfg, tmp_path, "c", num_proc=2)
    da, db, dc = load_pairs(a), load_pairs(b), load_pairs(c)
    for split in ("train", "valid", "test"):
        assert da[split].to_list() == db[split].to_list() == dc[split].to_list()
    d, _ = build({**corpus_cfg, "seed": 6}, tmp_path, "d")
    assert load_pairs(d)["train"].to_list() != da["train"].to_list()


def test_sentence_dedup_long_sentences_and_spins(tmp_path):
    shared = "The new company said people would get big help with the plan this year."
    long = "The company said " + "people and places " * 40 + "were all fine."
    filler = " ".join(f"The school in town {i} said it had a big year, but people want new help." for i in range(6))
    with (tmp_path / "c.jsonl").open("w") as f:
        f.write(json.dumps({"id": "a", "text": f"{shared} {filler}\n{long}"}) + "\n")
        f.write(json.dumps({"id": "b", "text": f"{filler.replace('town', 'city')} {shared}"}) + "\n")
    cfg = {
        "corpora": [{"path": "c.jsonl"}],
        "splits": {"valid": 0, "test": 0},
        "spins_per_sentence": 2,
        "identity_frac": 0.1,
        "multi_sentence_frac": 0.0,
    }
    spinner = FakeSpinner()
    out, stats = build(cfg, tmp_path, spinner=spinner)
    train = load_pairs(out)["train"]
    assert spinner.calls == 2 * 2  # 2 spins per document
    shared_docs = {r["doc_id"] for r in train if r["original"] == shared}
    assert shared_docs == {"c:a"}  # the second document's copy was dropped
    assert stats["sentences"]["duplicate"] == 1
    assert stats["sentences"]["too_long"] == 1
    assert long.strip() not in set(train["original"])
    assert Counter(train["kind"])["spun"] <= 2 * 13
    assert not any(k == "multi" for k in train["kind"])


def test_out_dir_rebuild_and_refusal(corpus_cfg, tmp_path):
    out, _ = build(corpus_cfg, tmp_path)
    build(corpus_cfg, tmp_path)  # replacing a previous build is fine
    assert not (out / ".building").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("user file")
    with pytest.raises(ValueError, match="not empty"):
        build(corpus_cfg, tmp_path, "other")
    assert (other / "keep.txt").read_text() == "user file"


def test_config_validation(tmp_path):
    with pytest.raises(ValueError, match="no corpora"):
        resolve_config({})
    with pytest.raises(ValueError, match="splits"):
        resolve_config({"corpora": [{"path": "x"}], "splits": {"valid": 0.6, "test": 0.5}})
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        build({"corpora": [{"path": "missing.jsonl"}]}, tmp_path)
    path = tmp_path / "data.yaml"
    path.write_text("corpora:\n  - {path: gen.jsonl}\nspins_per_sentence: 2\n")
    cfg, base = resolve_config(path)
    assert base == tmp_path.resolve() and cfg["spins_per_sentence"] == 2 and cfg["identity_frac"] == 0.12


def test_real_spinner_on_bbc(shared_dir, tmp_path):
    """A small build with the real spinner over the shared BBC corpus."""
    pytest.importorskip("restore.spinner")
    cfg = {
        "corpora": [{"path": str(shared_dir / "data" / "corpus" / "bbc_news_2225.jsonl")}],
        "splits": {"valid": 0.1, "test": 0.1},
    }
    out = tmp_path / "bbc"
    stats = build_pairs(cfg, out, limit_docs=15, progress=False)
    dd = load_pairs(out)
    assert stats["sources"][cfg["corpora"][0]["path"]]["read"] == 15
    rows = [r for ds in dd.values() for r in ds]
    assert len(rows) > 15 * 20
    assert {r["kind"] for r in rows} == {"spun", "identity", "multi"}
    assert all(r["spun"] != r["original"] for r in rows if r["kind"] != "identity")


def _mixture_config(tmp_path, sets_path):
    make_corpus(tmp_path / "gen.jsonl", n_docs=30)
    path = tmp_path / "data.yaml"
    path.write_text(
        "seed: 3\ncorpora:\n  - {path: gen.jsonl}\nmin_doc_words: 20\nsplits: {valid: 0.1, test: 0.1}\n"
        "spinner:\n  mixture:\n"
        f"    - {{weight: 0.7, mode: rewriter, synonym_sets: {sets_path}, original_weight: 0,\n"
        "       place_prob: {min: 1, max: 1}, rules_prob: 0}\n"
        "    - {weight: 0.3, mode: thesaurus}\n"
    )
    return path


def test_pairs_from_a_rewriter_mixture(tmp_path):
    """The data config's mixture: some documents rewriter-spun from the sets file, the
    others by the open thesaurus spinner; relative paths resolve against the config."""
    (tmp_path / "sets.txt").write_text("plan|scheme\ncompany|firm\nbig|huge\n")
    cfg = _mixture_config(tmp_path, "sets.txt")
    build_pairs(cfg, tmp_path / "out", progress=False)
    rows = [r for ds in load_pairs(tmp_path / "out").values() for r in ds if r["kind"] == "spun"]
    # each spin of a document is made by one component (drawn from its seed)
    rewritten = [r for r in rows if "scheme" in r["spun"] and "firm" in r["spun"] and "huge" in r["spun"]]
    other = [r for r in rows if " plan " in r["spun"] or "company" in r["spun"]]
    assert len(rewritten) > len(other) > 0


def test_pairs_fall_back_to_the_open_spinner_without_the_sets_file(tmp_path):
    cfg = _mixture_config(tmp_path, "missing/en_db.sdata")
    with pytest.warns(UserWarning, match="not found"):
        build_pairs(cfg, tmp_path / "out", progress=False)
    rows = [r for ds in load_pairs(tmp_path / "out").values() for r in ds if r["kind"] == "spun"]
    assert rows and not any("scheme" in r["spun"] for r in rows)
