"""Tests that catch the 13 small bugs issue 29 planted by hand and the suite let through:
behaviour on small fixtures, not the code's shape. Each test names the bug it is for.

The end-to-end tests run a restorer whose engine really edits (tests/helpers.SwapEngine:
known word swaps, output spaced like a model's, one plain space between words), so that
whitespace, offset and line-ending bugs show up in restored text, not only in text that
stays unchanged."""

from __future__ import annotations

import json
import re

import pytest
from helpers import SwapEngine, swap_restorer

from restore import batch
from restore.edits import Edit, apply_edits, sentence_edits
from restore.facts import same_facts
from restore.guards import Proposal, Thresholds, guarded_edits
from restore.restorer import Restorer
from restore.segment import split_long

SPUN = "The Home handed the invoice, officers stated."
FIXED = "The House passed the bill, officials said."


class ModelSpacedSwaps(SwapEngine):
    """A SwapEngine whose output is spaced like a model's: one plain space between words."""

    def generate(self, sentences):
        return [self.rewrite(" ".join(s.split())) for s in sentences]


def run_files(restorer, tmp_path, files: dict, opts=None):
    src = tmp_path / "in"
    for name, data in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    warnings: list[str] = []
    summary = batch.run_jobs(
        restorer,
        batch.collect_jobs([str(src)], recursive=True),
        tmp_path / "out",
        True,
        opts or batch.Options(),
        warn=warnings.append,
    )
    return summary, warnings


# ----------------------------------------------------------------------------- end to end
def test_end_to_end_edits_keep_every_byte_around_them(tmp_path):
    """A model that really edits: the restored text is the input with exactly the swapped
    words changed, whatever spaces, NBSPs, tabs and line endings surround them."""
    r = Restorer(ModelSpacedSwaps())
    text = (
        "  The Home handed the invoice,\u00a0officers  stated.\r\n"
        "\r\n\tOfficers stated\u00a0the scheme.  The Home handed it.\r"
        "The  Home handed the invoice\n   \n"
        "Nothing to change here.\r\nofficers stated the scheme would be good for the town"
    )
    expected = (
        text.replace("Home", "House")
        .replace("handed", "passed")
        .replace("invoice", "bill")
        .replace("officers", "officials")
        .replace("Officers", "Officials")
        .replace("stated", "said")
        .replace("scheme", "plan")
    )
    assert r.restore(text) == expected
    _, edits = r.restore_with_edits(text)
    assert apply_edits(text, edits) == expected
    assert all(text[e.start : e.end] == e.spun for e in edits)


# ----------------------------------------------------------------------------- restorer.py
def test_bug_restorer_piece_leading_whitespace_ignored():
    """restorer.py: a sentence piece's leading whitespace ignored -> edits land one
    character off ("theHouse passedd thebille")."""
    engine = ModelSpacedSwaps(max_input_tokens=20)  # pieces of at most 60 characters
    r = Restorer(engine)
    sentence = (
        "The Home handed the invoice to the officers of the old town,  and the Home handed "
        "the invoice to officers again,  then the Home handed the invoice back"
    )
    pieces = split_long(sentence, r.max_chars)
    assert any(p[:1].isspace() for p in pieces), pieces  # the fixture has a piece that starts with a space
    expected = engine.rewrite(sentence)
    assert r.restore(sentence) == expected
    assert r.restore(f"Intro.\r\n{sentence}\r\n") == f"Intro.\r\n{expected}\r\n"


def test_bug_restorer_memo_keyed_by_lower_cased_sentence():
    """memo.py: the memo keyed by the lower-cased sentence gives a sentence the
    edits of another that differs in case only."""
    r = swap_restorer(min_confidence=0.5)  # confidences on: the memo is used
    assert r.restore("The Home handed the invoice.") == "The House passed the bill."
    assert r.restore("the home handed the invoice.") == "the home passed the bill."
    assert r.restore("THE HOME handed the invoice.") == "THE HOME passed the bill."
    assert r.restore("The Home handed the invoice.") == "The House passed the bill."


# ------------------------------------------------------------------------------ edits.py
def test_bug_diff_one_gap_style_fallback_removed():
    """edits.py: without the "one gap style" fallback, an edit with a different number
    of words than it replaces loses the input's NBSP or double spaces."""
    src = "The council backed the brand\u00a0new\u00a0scheme on Monday."
    edits = sentence_edits(src, "The council backed the new plan on Monday.")
    assert apply_edits(src, edits) == "The council backed the new\u00a0plan on Monday."
    src = "They said  it was  in  keeping  with the rules."
    assert (
        apply_edits(src, sentence_edits(src, "They said it was according to the rules."))
        == "They said  it was  according  to the rules."
    )
    # end to end: the model's output has plain single spaces
    r = Restorer(ModelSpacedSwaps({"brand new scheme": "new plan", "in keeping with": "according to"}))
    assert (
        r.restore("It backed the brand\u00a0new\u00a0scheme.\nIt was in  keeping  with it.")
        == "It backed the new\u00a0plan.\nIt was according  to it."
    )


# ----------------------------------------------------------------------------- facts.py, guards.py
def test_bug_facts_without_dropped_from_negations():
    assert not same_facts("without a vote", "with a vote")
    assert not same_facts("approved without changes", "approved with changes")
    src = "The bill passed without a vote, officers stated."
    assert (
        apply_edits(src, guarded_edits(src, "The bill passed with a vote, officials said."))
        == "The bill passed without a vote, officials said."
    )


@pytest.mark.parametrize(
    "src, out, number",
    [
        ("He has 3 cats.", "He has three cats.", "3"),
        ("Officers stated 3 cats left.", "Officials said three cats left.", "3"),
        ("3 cats left, officers stated.", "Three cats left, officials said.", "3"),
        ("The cats left at 3", "The cats left at three", "3"),
        ("Officers stated 42 cats left.", "Officials said forty-two cats left.", "42"),
    ],
)
def test_bug_guards_protected_number_overlap_off_by_one(src, out, number):
    """guards.py: the overlap test of protected numbers off by one: "3" -> "three" passes."""
    assert re.search(rf"\b{number}\b", apply_edits(src, guarded_edits(src, out)))


def test_bug_guards_name_check_in_deletion_guard_any_to_all():
    """guards.py: a deletion with one capitalised word among others is a name dropped."""
    src = "Officers said Mo possibly won the race."
    kept = apply_edits(src, guarded_edits(src, "Officials said won the race."))
    assert "Mo" in kept
    src = "Officers said that Kabul fell."
    assert "Kabul" in apply_edits(src, guarded_edits(src, "Officials said that fell."))


def test_bug_guards_document_gate_lt_to_le():
    """guards.py: a document whose score equals min_spun_score is restored (the gate
    leaves only what is below it)."""
    edit = Edit(0, 4, "Home", "House", 0.9)
    proposal = Proposal([edit], words=4, changed=2.0)
    assert proposal.spun_score == 0.5
    assert Thresholds(min_spun_score=0.5).apply(proposal) == [edit]
    assert Thresholds(min_spun_score=0.5001).apply(proposal) == []
    assert Thresholds(min_spun_score=0.5).apply_all([proposal, proposal], ["d", "d"]) == [[edit], [edit]]
    # through a restorer: "Home stated it." is 3 words, 2 swapped at 0.95 -> 0.633...
    r = swap_restorer()
    score = r.spun_score("Home stated it.").score
    assert swap_restorer(min_spun_score=score).restore("Home stated it.") == "House said it."


# ----------------------------------------------------------------------------- batch.py, inputs.py
def test_bug_jsonl_crlf_record_endings_kept(tmp_path):
    """formats/jsonl.py (a record's CRLF forced to "\\n") and formats/text.py (read_lines strips
    only "\\n", so the CR is lost or read into the record)."""
    lines = [{"id": 1, "text": SPUN}, {"id": 2, "text": "Nothing here."}, {"id": 3, "text": SPUN}]
    data = "\r\n".join(json.dumps(x) for x in lines) + "\r\n"
    data += json.dumps({"id": 4, "text": SPUN}) + "\n" + json.dumps({"id": 5, "text": SPUN})
    summary, _ = run_files(Restorer(ModelSpacedSwaps()), tmp_path, {"a.jsonl": data.encode()})
    out = (tmp_path / "out" / "a.jsonl").read_bytes().decode()
    assert out.count("\r\n") == 3 and out.endswith("}") and "\n" + json.dumps({"id": 5, "text": FIXED}) in out
    records = [json.loads(line) for line in out.splitlines()]
    assert [x["text"] for x in records] == [FIXED, "Nothing here.", FIXED, FIXED, FIXED]
    assert summary.failed == [] and summary.bad_records == []


def test_bug_read_lines_strips_only_lf():
    """formats/text.py: read_lines must give each line's body without its ending and the
    ending as it was ("\r\n", "\n" or none), so that whatever is done to the body, the
    record or line ending is written back as it was read."""
    import io

    from restore.inputs import read_lines

    data = b'{"text": "a"}\r\n{"text": "b"}\nlast\r\n\r\nno end'
    assert list(read_lines(io.BytesIO(data), "x.jsonl", "strict")) == [
        ('{"text": "a"}', "\r\n"),
        ('{"text": "b"}', "\n"),
        ("last", "\r\n"),
        ("", "\r\n"),
        ("no end", ""),
    ]


def test_bug_jsonl_written_with_ensure_ascii(tmp_path):
    """formats/jsonl.py: JSONL written with ensure_ascii: non-ASCII text escaped as \\uXXXX."""
    record = {"text": f"Café owners in 東京 😀: {SPUN}", "note": "naïve — “quoted”"}
    run_files(
        Restorer(ModelSpacedSwaps()), tmp_path, {"a.jsonl": (json.dumps(record, ensure_ascii=False) + "\n").encode()}
    )
    out = (tmp_path / "out" / "a.jsonl").read_bytes().decode("utf-8")
    assert "\\u" not in out
    assert "Café owners in 東京 😀: " + FIXED in out and "naïve — “quoted”" in out


def test_bug_parquet_first_row_counter_never_advances(tmp_path):
    """formats/parquet.py: each Parquet piece's first row number: a null in a later piece is
    reported at its own row."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = 2 * batch.BLOCK_LINES + 10
    texts = [SPUN] * n
    bad_row = batch.BLOCK_LINES + 7  # 0-based: row BLOCK_LINES + 8 counting from 1
    texts[bad_row] = None
    src = tmp_path / "in"
    src.mkdir()
    pq.write_table(pa.table({"text": texts}), src / "d.parquet", row_group_size=100)
    summary, warnings = run_files(Restorer(ModelSpacedSwaps()), tmp_path, {})
    assert any(f"d.parquet:row {bad_row + 1}:" in w for w in warnings), warnings
    out = pq.read_table(tmp_path / "out" / "d.parquet").column("text").to_pylist()
    assert out[bad_row] is None and out[:3] == [FIXED] * 3 and out[-1] == FIXED and len(out) == n


# ----------------------------------------------------------------------------- spinner, pairs
def _only(*behaviours):
    from restore.spinner import Spinner

    return Spinner.from_config(
        {
            "rate": {"min": 1.0, "max": 1.0},
            "behaviours": {
                b: {"enabled": b in behaviours}
                for b in ("synonym", "function_word", "number", "abbreviation", "contraction", "spelling")
            },
            "capitalized_prob": 1.0,
            "keep_quotes_prob": 0.0,
            "keep_headline_prob": 0.0,
        }
    )


@pytest.mark.parametrize("behaviour", ["function_word", "number"])
def test_bug_spinner_hand_rule_tables_not_fact_filtered(behaviour):
    """spinner/core.py: the hand-rule tables must be fact-filtered like the synonyms
    ("recently" -> "not too long ago" adds a negation, "hundreds" -> "loads" drops a number)."""
    spinner = _only(behaviour)
    text = (
        "Recently hundreds of people said they had recently seen thousands of birds, and "
        "dozens said it was not over, but recently the millions were gone."
    )
    seen = set()
    for seed in range(60):
        spun = spinner.spin(text, seed=seed)
        assert same_facts(text, spun), spun
        seen.add(spun)
    assert len(seen) > 1  # it does spin
    assert not any("not too long ago" in s.lower() or "loads of" in s.lower() for s in seen)


def test_bug_pairs_multi_sentence_rows_span_a_dropped_sentence():
    """document_pairs.py: a multi-sentence row joins only sentences next to each other in the
    document: none dropped by deduplication (keep False) or for length (a new run) between."""
    from restore.document_pairs import doc_rows

    sents = [f"Sentence number {w} is here." for w in ("one", "two", "three", "four", "five", "six", "seven", "eight")]
    spins = [[s.replace("is here", "is present") for s in sents]]
    keep = [True, True, False, True, True, True, True, True]  # "three" was a duplicate
    runs = [0, 0, 0, 0, 0, 1, 1, 1]  # a too-long sentence was dropped after "five"
    res = {"doc_id": "d", "sentences": sents, "runs": runs, "spins": spins, "title": None, "title_spins": []}
    cfg = {"seed": 1, "identity_frac": 0.0, "multi_sentence_frac": 0.9}
    allowed = {
        " ".join(sents[i : i + n])
        for n in (2, 3)
        for i in range(len(sents) - n + 1)
        if all(keep[i : i + n]) and runs[i] == runs[i + n - 1]
    }
    multi = []
    for seed in range(20):
        rows, _ = doc_rows(res, keep, False, {**cfg, "seed": seed})
        multi += [r["original"] for r in rows if r["kind"] == "multi"]
    assert multi and set(multi) <= allowed, set(multi) - allowed
