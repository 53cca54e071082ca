"""`restore eval`: metrics worked out by hand on a scripted "model", per-sentence marks,
plots, the copy and lexicon baselines, the suite (missing sets skipped), CLI errors and
one end-to-end run with the tiny trained model."""

import json
from pathlib import Path

import pytest
from helpers import ScriptedEngine

from restore import evaluation as E
from restore.cli import main
from restore.guards import Thresholds
from restore.lexicon import Lexicon
from restore.restorer import Restorer
from tools.build_lexicon import build_inverse, corpus_counts

PNG = b"\x89PNG\r\n\x1a\n"

# spun -> (original, scripted model output)
ROWS = [
    ("The Home handed the invoice.", "The House passed the bill.", "The House passed the bill."),  # 2 correct
    ("Officers mentioned it.", "Officers said it.", "Officers stated it."),  # wrong + missed
    ("Nothing to fix here.", "Nothing to fix here.", "Nothing to fix here."),  # clean, kept
    ("The cat sat.", "The cat sat.", "The dog sat."),  # clean, harmed
]
# token probabilities of the scripted outputs (others 0.9): confidences of the edits
PROBS = {"bill.": 0.3, "stated": 0.6, "dog": 0.95}


def scripted_systems():
    engine = ScriptedEngine({s: out for s, _, out in ROWS}, PROBS)
    return E.default_systems(Restorer(engine))


def write_pairs(path, rows=ROWS):
    path.write_text(
        "".join(json.dumps({"id": f"r{i}", "spun": s, "original": o}) + "\n" for i, (s, o, *_) in enumerate(rows)),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def evaluated(tmp_path):
    data = write_pairs(tmp_path / "pairs.jsonl")
    metrics = E.evaluate_file(data, scripted_systems(), tmp_path / "out")
    return metrics, tmp_path / "out"


def test_metrics_by_hand(evaluated):
    metrics, out = evaluated
    assert json.loads((out / "metrics.json").read_text()) == json.loads(json.dumps(metrics))
    m = metrics["systems"]["model"]
    # tp 2 (Home handed -> House passed, invoice -> bill); fp 2 (stated, dog); fn 1 (said)
    assert (m["tp"], m["fp"], m["fn"]) == (2, 2, 1)
    p, r = 0.5, 2 / 3
    assert m["precision"] == pytest.approx(p) and m["recall"] == pytest.approx(r)
    assert m["f0.5"] == pytest.approx(1.25 * p * r / (0.25 * p + r))
    assert m["exact_match"] == pytest.approx(0.5)
    assert (m["clean_changed"], m["clean_n"]) == (1, 2) and m["clean_harm"] == pytest.approx(0.5)
    assert metrics["n"] == 4 and list(metrics["systems"]) == ["model", "lexicon", "copy"]


def test_copy_baseline_scores(evaluated):
    c = evaluated[0]["systems"]["copy"]
    assert (c["tp"], c["fp"], c["fn"]) == (0, 0, 3)
    assert c["recall"] == 0 and c["f0.5"] == 0 and c["precision"] == 1.0  # no edit made: precision 1 by convention
    assert c["damage_removed"] == 0 and c["clean_harm"] == 0
    assert c["exact_match"] == pytest.approx(0.5)  # the two clean rows


def test_threshold_sweep_from_one_pass(evaluated):
    sweep = {r["threshold"]: r for r in evaluated[0]["threshold_sweep"]}
    assert sweep[0.0]["f0.5"] == pytest.approx(evaluated[0]["systems"]["model"]["f0.5"])
    # >= 0.5: "bill" (0.3) dropped -> invoice->bill missed
    assert (sweep[0.5]["tp"], sweep[0.5]["fp"], sweep[0.5]["fn"]) == (1, 2, 2)
    # >= 0.65: "stated" (0.6) dropped too -> only the missed "said" remains for that row
    assert (sweep[0.65]["tp"], sweep[0.65]["fp"], sweep[0.65]["fn"]) == (1, 1, 2)
    assert sweep[0.65]["f0.5"] == pytest.approx(1.25 * 0.5 * (1 / 3) / (0.25 * 0.5 + 1 / 3))
    # >= 0.95: only "dog" (0.95) survives; House passed (0.9) goes
    assert (sweep[0.95]["tp"], sweep[0.95]["fp"], sweep[0.95]["fn"]) == (0, 1, 3)


def test_per_sentence_marks_and_confidences(evaluated):
    rows = [json.loads(line) for line in (evaluated[1] / "sentences.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["r0", "r1", "r2", "r3"]
    assert rows[0]["output"] == "The House passed the bill." and rows[0]["exact_match"] is True
    marks = [(e["mark"], e["spun"], e["replacement"], e["confidence"]) for e in rows[0]["edits"]]
    assert marks == [("correct", "Home handed", "House passed", 0.9), ("correct", "invoice", "bill", 0.3)]
    marks = sorted((e["mark"], e["replacement"], e["confidence"]) for e in rows[1]["edits"])
    assert marks == [("missed", "said", None), ("wrong", "stated", 0.6)]
    assert rows[2]["edits"] == [] and rows[3]["edits"][0]["mark"] == "wrong"
    assert "lexicon_output" in rows[0] and "copy_output" not in rows[0]


def test_min_confidence_applies_and_marks_dropped_edits(tmp_path):
    data = write_pairs(tmp_path / "pairs.jsonl")
    metrics = E.evaluate_file(data, scripted_systems(), tmp_path / "out", thresholds=Thresholds(min_confidence=0.5))
    m = metrics["systems"]["model"]
    assert (m["tp"], m["fp"], m["fn"]) == (1, 2, 2)
    first = json.loads((tmp_path / "out" / "sentences.jsonl").read_text().splitlines()[0])
    assert first["output"] == "The House passed the invoice."
    assert ("missed", "bill", 0.3) in [(e["mark"], e["replacement"], e["confidence"]) for e in first["edits"]]
    assert [e["replacement"] for e in first["below_threshold"]] == ["bill"]


def test_lone_edit_gate_applies_in_evaluation(tmp_path):
    data = write_pairs(tmp_path / "pairs.jsonl")
    metrics = E.evaluate_file(
        data, scripted_systems(), tmp_path / "out", thresholds=Thresholds(min_confidence=0.2, lone_edit_confidence=0.96)
    )
    m = metrics["systems"]["model"]
    # row 1 keeps both its edits (0.9 and 0.3: not a lone edit); rows 2 and 4 have one edit
    # each (stated 0.6, dog 0.95): both dropped, so the clean row is no longer harmed
    assert (m["tp"], m["fp"], m["fn"]) == (2, 0, 1)
    assert m["clean_harm"] == 0.0 and metrics["lone_edit_confidence"] == 0.96
    rows = [json.loads(line) for line in (tmp_path / "out" / "sentences.jsonl").read_text().splitlines()]
    assert rows[3]["output"] == "The cat sat." and [e["replacement"] for e in rows[3]["below_threshold"]] == ["dog"]
    assert "only edit at ≥ 0.96" in (tmp_path / "out" / "report.md").read_text()


def test_document_gate_reads_groups_as_documents(tmp_path):
    # scores (confidence x words replaced / words, marks counting as words): row 0
    # (0.9*2 + 0.3) / 6 = 0.35, row 1 0.6 / 4 = 0.15, row 2 0 / 5, row 3 0.95 / 4 = 0.24
    path = tmp_path / "pairs.jsonl"
    articles = ["a", "a", "b", "b"]
    path.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "spun": s, "original": o, "article": g}) + "\n"
            for i, ((s, o, _), g) in enumerate(zip(ROWS, articles))
        ),
        encoding="utf-8",
    )
    gate = Thresholds(min_spun_score=0.2)
    m = E.evaluate_file(path, scripted_systems(), tmp_path / "docs", thresholds=gate)
    # article a pools (2.1 + 0.6) / 10 = 0.27: both rows restored; b 0.95 / 9 = 0.11: left alone
    assert (m["systems"]["model"]["tp"], m["systems"]["model"]["fp"]) == (2, 1)
    assert m["systems"]["model"]["clean_harm"] == 0.0 and m["min_spun_score"] == 0.2
    assert "spun-ness score is at least 0.2" in (tmp_path / "docs" / "report.md").read_text()
    # without groups each row is its own document: row 1 (0.15) is left alone, row 3 (0.24) is not
    m = E.evaluate_file(write_pairs(tmp_path / "rows.jsonl"), scripted_systems(), tmp_path / "rows", thresholds=gate)
    assert (m["systems"]["model"]["tp"], m["systems"]["model"]["fp"]) == (2, 1)
    assert m["systems"]["model"]["clean_harm"] == 0.5
    # the baselines are not thresholded
    assert (
        m["systems"]["lexicon"]
        == E.evaluate_file(write_pairs(tmp_path / "rows.jsonl"), scripted_systems(), tmp_path / "none")["systems"][
            "lexicon"
        ]
    )


def test_plots_and_report(evaluated):
    metrics, out = evaluated
    for name in ("threshold.png", "f05_by_length.png", "top_edits.png"):
        assert (out / name).read_bytes()[:8] == PNG, name
    assert set(metrics["plots"].values()) == {"threshold.png", "f05_by_length.png", "top_edits.png"}
    report = (out / "report.md").read_text()
    assert "| model |" in report and "| lexicon |" in report and "| copy |" in report
    assert dict(metrics["top_edits"]["wrong"]) == {"mentioned → stated": 1, "cat → dog": 1}
    assert dict(metrics["top_edits"]["missed"]) == {"mentioned → said": 1}
    lo, hi = metrics["systems"]["model"]["f0.5_ci"]
    assert 0 <= lo <= metrics["systems"]["model"]["f0.5"] <= hi <= 1
    assert f"model {lo:.3f}–{hi:.3f}" in report and "bootstrap interval" in report


def test_partial_fix_marked_and_not_listed_as_wrong(tmp_path):
    rows = [
        ("Officials in opposition to quick sales.", "Officials against short sales.", "Officials against quick sales."),
        ("Officials mentioned it.", "Officials said it.", "Officials stated it."),
    ]
    engine = ScriptedEngine({s: out for s, _, out in rows}, {})
    data = write_pairs(tmp_path / "pairs.jsonl", rows)
    metrics = E.evaluate_file(data, E.default_systems(Restorer(engine)), tmp_path / "out")
    m = metrics["systems"]["model"]
    assert (m["tp"], m["fp"], m["fn"], m["partial"]) == (0, 2, 2, 1) and m["edits_right"] == 0.5
    first = json.loads((tmp_path / "out" / "sentences.jsonl").read_text().splitlines()[0])
    assert [(e["mark"], e["replacement"]) for e in first["edits"]] == [
        ("partial", "against"),
        ("missed", "against short"),
    ]
    assert dict(metrics["top_edits"]["partial"]) == {"in opposition to → against": 1}
    assert dict(metrics["top_edits"]["wrong"]) == {"mentioned → stated": 1}
    report = (tmp_path / "out" / "report.md").read_text()
    assert "edits right" in report and "**partial**: in opposition to → against (1)" in report


# --------------------------------------------------------------------------- lexicon


def test_lexicon_inverse_map_by_hand():
    table = {
        "said": [("stated", 3), ("mentioned", 3)],
        "according to": [("in keeping with", 2), ("in line with", 1)],
        "large": [("big", 1)],
        "big": [("large", 1)],
    }
    freq = {
        "said": 100,
        "stated": 5,
        "mentioned": 5,
        "according to": 50,
        "in keeping with": 1,
        "in line with": 10,
        "large": 10,
        "big": 10,
    }
    inv = build_inverse([(table, 1.0)], freq.get, spin_prob=0.35)
    # stated: 100 * .35 * 3/6 = 17.5 against 5 staying; in line with: 50 * .35 / 3 = 5.8 < 10;
    # big: 10 * .35 = 3.5 from "large" against 10 * .65 unspun "big"
    assert set(inv) == {"stated", "mentioned", "in keeping with"}
    assert inv["stated"][0] == "said" and inv["stated"][1] == pytest.approx(3.5)
    assert inv["in keeping with"] == ("according to", pytest.approx(50 * 0.35 * 2 / 3))
    lex = Lexicon(inv)
    text = "Stated plainly: in keeping with the law, big changes come, Mr Mentioned mentioned."
    out, edits = lex.restore_with_edits(text)
    assert out == "Said plainly: according to the law, big changes come, Mr Mentioned said."
    assert [(e.spun, e.replacement, e.confidence) for e in edits] == [
        ("Stated", "Said", 1.0),
        ("in keeping with", "according to", 1.0),
        ("mentioned", "said", 1.0),
    ]


def test_shipped_lexicon_and_corpus_counts():
    lex = Lexicon.load()
    assert (
        lex.restore("Officials stated the govt grew 3.Three times, in keeping with a doc.")
        == "Officials said the government grew 3.3 times, according to a document."
    )
    assert lex.restore("Nothing here needs changing.") == "Nothing here needs changing."
    counts = corpus_counts(["In keeping with it, we said: in keeping-with."], ["in keeping with", "said", "with"])
    assert counts == {"in keeping with": 1, "said": 1, "with": 2}


# --------------------------------------------------------------------------- suite


def test_tortured_phrases_reader(tmp_path):
    (tmp_path / "tortured_phrases_with_counts.csv").write_text(
        "tortured_phrase,expected_phrase,num_papers\n"
        '"""grouping methods""",classification methods,"31,202"\n'
        '"""surface region"" AND ""surface area""",Surface Area,"42,682"\n'
        '"""business knowledge""",business intelligence (BI),"10,091"\n'
        '"""area unit""","The word ‘are’, see https://example.org",982\n',
        encoding="utf-8",
    )
    ev = E.read_tortured(tmp_path, top=2, carrier="We use {phrase} here.")
    assert ev.kind == "phrases" and ev.out_of_domain
    assert ev.sources == ["We use surface region here.", "We use grouping methods here."]
    assert ev.originals == ["We use surface area here.", "We use classification methods here."]
    assert E.read_tortured(tmp_path).originals[-1] == "In this paper, we discuss business intelligence in more detail."
    assert len(E.read_tortured(tmp_path)) == 3  # the note is not a phrase


def test_suite_skips_missing_sets(tmp_path):
    write_pairs(tmp_path / "dev.jsonl")
    (tmp_path / "suite.yaml").write_text(
        "per_sentence_limit: 2\n"
        "sets:\n"
        "  - {name: dev, kind: jsonl, path: dev.jsonl}\n"
        "  - {name: private, kind: jsonl, path: dev.jsonl, per_sentence_limit: 0}\n"
        "  - {name: gone, kind: jsonl, path: nowhere/dev.jsonl}\n"
        "  - {name: synth, kind: pairs, path: no_pairs, split: test, limit: 10}\n"
        "  - {name: pps, kind: tortured_phrases, path: no_pps, top: 5}\n"
        "  - name: clean\n    kind: clean\n    sources:\n"
        "      - {jsonl: dev.jsonl, field: original}\n      - {pairs: no_pairs, split: test}\n"
    )
    messages = []
    summary = E.run_suite(tmp_path / "suite.yaml", scripted_systems(), tmp_path / "out", log=messages.append)
    assert list(summary["sets"]) == ["dev", "private", "clean"]
    assert set(summary["skipped"]) == {"gone", "synth", "pps"}
    assert any("gone skipped" in m and "no such file" in m for m in messages)
    assert any("clean: source skipped" in m for m in messages)
    clean = summary["sets"]["clean"]
    assert clean["n"] == 4 and clean["kind"] == "clean"  # the dev originals
    assert clean["systems"]["model"]["clean_harm"] == pytest.approx(1 / 4)  # "The cat sat." -> dog
    assert clean["systems"]["model"]["f0.5"] is None
    assert summary["sets"]["dev"]["systems"]["model"]["tp"] == 2
    saved = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert saved["sets"]["dev"]["systems"]["copy"]["f0.5"] == 0
    assert len((tmp_path / "out" / "dev" / "sentences.jsonl").read_text().splitlines()) == 2  # capped
    # a set that may not be copied: no rows written, no example sentences in its report
    assert (tmp_path / "out" / "private" / "sentences.jsonl").read_text() == ""
    assert "Examples with wrong edits" in (tmp_path / "out" / "dev" / "report.md").read_text()
    private = (tmp_path / "out" / "private" / "report.md").read_text()
    assert "Examples with wrong edits" not in private and "Officers mentioned it." not in private
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| [dev](dev/report.md) | 4 |" in report and "**gone**: skipped" in report
    assert clean["systems"]["model"]["f0.5_ci"] is None  # nothing to restore: no edit metrics
    lo, hi = summary["sets"]["dev"]["systems"]["model"]["f0.5_ci"]
    assert f"dev {lo:.3f}–{hi:.3f}" in report and "clean 0" not in report
    assert (tmp_path / "out" / "suite.png").read_bytes()[:8] == PNG


def test_suite_with_limit_and_shipped_config_is_valid(tmp_path, shared_dir):
    cfg = E.load_suite(Path(__file__).resolve().parents[1] / "configs" / "eval.yaml")
    assert {s["kind"] for s in cfg["sets"]} == {"pairs", "jsonl", "clean", "tortured_phrases"}
    ev = E.build_set(
        next(s for s in cfg["sets"] if s["name"] == "real_dev"),
        Path(__file__).resolve().parents[1] / "configs",
        5,
        print,
    )
    assert len(ev) == 5


# --------------------------------------------------------------------------- CLI


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_cli_errors(tmp_path, capsys):
    assert main(["eval", "--data", str(tmp_path / "missing.jsonl")]) == 2
    assert one_line_error(capsys) == f"restore eval: error: no such file: {tmp_path / 'missing.jsonl'}"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"spun": "a", "original": "b"}) + "\n" + json.dumps({"original": "b"}) + "\n")
    assert main(["eval", "--data", str(bad)]) == 2
    assert one_line_error(capsys) == f"restore eval: error: {bad}:2: no 'spun' text field"
    bad.write_text("{not json\n")
    assert main(["eval", "--data", str(bad)]) == 2
    assert f"{bad}:1: not JSON" in one_line_error(capsys)
    assert main(["eval", "--data", str(bad), "--suite", "x.yaml"]) == 2
    assert "either --data" in one_line_error(capsys)
    assert main(["eval"]) == 2
    one_line_error(capsys)
    (tmp_path / "s.yaml").write_text("sets: [{name: a, kind: nonsense}]\n")
    assert main(["eval", "--suite", str(tmp_path / "s.yaml")]) == 2
    assert "each set needs a 'name' and a 'kind'" in one_line_error(capsys)
    good = write_pairs(tmp_path / "good.jsonl")
    assert main(["eval", "--data", str(good), "--model", str(tmp_path / "no_model")]) == 2
    assert "no model folder" in one_line_error(capsys)
    assert main(["eval", "--data", str(good), "--min-confidence", "2"]) == 2
    one_line_error(capsys)
    assert main(["eval", "--data", str(good), "--lone-edit-confidence", "1.5"]) == 2
    assert "--lone-edit-confidence must be between 0 and 1" in one_line_error(capsys)


def test_cli_end_to_end_with_tiny_model(tiny_model, tmp_path, capsys):
    data = write_pairs(tmp_path / "pairs.jsonl")
    out = tmp_path / "run"
    assert main(["eval", "--data", str(data), "--model", str(tiny_model), "--out", str(out), "--limit", "3"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n"] == 3 and metrics["model"] == str(tiny_model)
    assert set(metrics["systems"]) == {"model", "lexicon", "copy"}
    assert len((out / "sentences.jsonl").read_text().splitlines()) == 3
    assert (out / "threshold.png").read_bytes()[:8] == PNG
    assert "pairs: model F0.5" in capsys.readouterr().out


def test_pairs_grouped_by_article_for_the_intervals(tmp_path):
    path = tmp_path / "dev.jsonl"
    path.write_text(
        "".join(
            json.dumps({"spun": s, "original": o, "article": f"a{i // 2}"}) + "\n" for i, (s, o, _) in enumerate(ROWS)
        ),
        encoding="utf-8",
    )
    evset = E.read_pairs(path)
    assert evset.groups == ["a0", "a0", "a1", "a1"]
    metrics = E.evaluate_set(evset, scripted_systems(), tmp_path / "out")
    assert metrics["groups"] == 2
    assert "its 2 articles/documents resampled whole" in (tmp_path / "out" / "report.md").read_text()
    # no group labels: rows are resampled
    assert E.read_pairs(write_pairs(tmp_path / "plain.jsonl")).groups == []
    with pytest.raises(ValueError):
        E.EvalSet("x", ["a", "b"], ["a", "b"], groups=["g"])


def test_clean_set_from_pair_originals(tmp_path):
    """A clean source may read a pairs split's distinct one-sentence originals (far more
    than its identity rows): spun rows give their original, multi-sentence rows and
    repeats are left out, the seed shuffles and the limit cuts."""
    import datasets

    rows = {
        "spun": [
            "The Home handed it.",
            "The House passed it.",
            "The Home handed it again.",
            "A. B.",
            "Officers mentioned it.",
        ],
        "original": [
            "The House passed it.",
            "The House passed it.",
            "The House passed it again.",
            "A. B.",
            "Officials said it.",
        ],
        "doc_id": ["d1", "d1", "d1", "d2", "d3"],
        "n_sent": [1, 1, 1, 2, 1],
    }
    datasets.DatasetDict({"test": datasets.Dataset.from_dict(rows)}).save_to_disk(str(tmp_path / "pairs"))
    every = E.read_pair_originals(tmp_path / "pairs", "test")
    assert sorted(every) == sorted(["Officials said it.", "The House passed it.", "The House passed it again."])
    assert E.read_pair_originals(tmp_path / "pairs", "test", seed=5) == E.read_pair_originals(
        tmp_path / "pairs", "test", seed=5
    )
    spec = {
        "name": "clean",
        "kind": "clean",
        "sources": [{"pairs": "pairs", "split": "test", "rows": "originals", "limit": 2, "seed": 3}],
    }
    ev = E.build_set(spec, tmp_path, None, print)
    assert ev.kind == "clean" and len(ev) == 2 and set(ev.sources) <= set(every) and ev.sources == ev.originals
    identity = E.build_set({**spec, "sources": [{"pairs": "pairs", "split": "test"}]}, tmp_path, None, print)
    assert sorted(identity.sources) == ["A. B.", "The House passed it."]  # the unspun rows
    messages = []
    assert (
        E.build_set({**spec, "sources": [{"pairs": "pairs", "rows": "spun"}]}, tmp_path, None, messages.append) is None
    )
    assert "rows are 'identity' or 'originals', not 'spun'" in messages[0]
