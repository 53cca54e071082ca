"""restore.metrics and the evaluate modules in eval/metrics/: hand-worked cases.

Every expected figure below was worked out by hand from the definitions in
restore/metrics.py (word level, typography normalised, case kept, micro-averaged).
"""

from __future__ import annotations

import os
import socket

import pytest
import sacrebleu
from conftest import ROOT

from restore.edit_scoring import judge, partial_fixes
from restore.metrics import bleu_chrf, clean_harm, damage_removed, exact_match, score, spin_edits

SPUN = "The big home was old ."
ORIG = "The big house was old ."


def counts(result: dict) -> tuple[int, int, int]:
    return result["tp"], result["fp"], result["fn"]


# --- spin_edits -------------------------------------------------------------------------


def test_single_substitution_fixed():
    r = spin_edits([SPUN], [ORIG], [ORIG])
    assert counts(r) == (1, 0, 0)
    assert r["precision"] == r["recall"] == r["f0.5"] == 1.0


def test_wrong_fix_is_a_false_positive_and_a_miss():
    r = spin_edits([SPUN], ["The big building was old ."], [ORIG])
    assert counts(r) == (0, 1, 1)
    assert r["precision"] == r["recall"] == r["f0.5"] == 0.0


def test_missed_fix():
    r = spin_edits([SPUN], [SPUN], [ORIG])
    assert counts(r) == (0, 0, 1)
    assert r["precision"] == 1.0  # no system edit: nothing wrong was done
    assert r["recall"] == 0.0 and r["f0.5"] == 0.0


def test_micro_average_over_the_corpus():
    # fixed + wrong + missed: tp 1, fp 1, fn 2 -> P 1/2, R 1/3, F0.5 = 1.25*(1/6)/(1/8+1/3) = 5/11
    r = spin_edits([SPUN] * 3, [ORIG, "The big building was old .", SPUN], [ORIG] * 3)
    assert counts(r) == (1, 1, 2)
    assert r["precision"] == pytest.approx(0.5)
    assert r["recall"] == pytest.approx(1 / 3)
    assert r["f0.5"] == pytest.approx(5 / 11)


def test_multi_word_edit_is_one_edit_and_partial_fixes_do_not_count():
    spun, orig = "Prices rose day by day .", "Prices rose daily ."
    assert counts(spin_edits([spun], [orig], [orig])) == (1, 0, 0)
    # "day by day" -> "day" is a different edit from "day by day" -> "daily"
    assert counts(spin_edits([spun], ["Prices rose day ."], [orig])) == (0, 1, 1)


def test_insertion():
    spun, orig = "He went to store .", "He went to the store ."
    assert counts(spin_edits([spun], [orig], [orig])) == (1, 0, 0)
    assert counts(spin_edits([spun], ["He went to a store ."], [orig])) == (0, 1, 1)


def test_deletion():
    spun, orig = "He is a very fast runner .", "He is a fast runner ."
    assert counts(spin_edits([spun], [orig], [orig])) == (1, 0, 0)
    assert counts(spin_edits([spun], [spun], [orig])) == (0, 0, 1)


def test_case_change_is_an_edit():
    # the spinner's "Home" for "home" is a different word: it must be fixed
    spun, orig = "He went Home .", "He went home ."
    assert counts(spin_edits([spun], [spun], [orig])) == (0, 0, 1)
    assert counts(spin_edits([spun], [orig], [orig])) == (1, 0, 0)
    # and capitalising a clean word is a wrong edit
    assert counts(spin_edits([orig], [spun], [orig])) == (0, 1, 0)


def test_typography_is_not_an_edit():
    spun = "He said “no” – twice ."
    orig = 'He said "no" - twice .'
    assert counts(spin_edits([spun], [spun], [orig])) == (0, 0, 0)
    assert counts(spin_edits([orig], [spun], [orig])) == (0, 0, 0)
    assert counts(spin_edits([spun], ["He  said “no” — twice ."], [spun])) == (0, 0, 0)


def test_judge_lists_correct_wrong_and_missed_edits():
    j = judge("The big home was very old .", "The big building was old .", ORIG)
    assert j == {"correct": [(4, 5, ())], "wrong": [(2, 3, ("building",))], "missed": [(2, 3, ("house",))]}


# --- partial fixes and edits_right -------------------------------------------------------

SHORT = "Officials against short sales ."  # spun: "in opposition to quick" is ONE reference edit


@pytest.mark.parametrize(
    "output,partial",
    [
        ("Officials against quick sales .", [(1, 4, ("against",))]),  # right words for part of the span
        ("Officials in opposition to short sales .", [(4, 5, ("short",))]),
        ("Officials against brief sales .", []),  # one merged edit, "brief" wrong
        ("Officials opposing quick sales .", []),  # a wrong word
        ("Officials against short sales .", []),  # exact: correct, not partial
    ],
)
def test_partial_fixes_are_right_words_for_part_of_a_reference_edit(output, partial):
    spun = "Officials in opposition to quick sales ."
    assert partial_fixes(spun, output, SHORT) == partial
    assert set(partial) <= set(judge(spun, output, SHORT)["wrong"])


def test_partial_fixes_need_a_spun_word_and_nothing_left_missing():
    # changing a word the spinner left alone is not a partial fix, whatever it writes
    assert partial_fixes("The big dog ran .", "The large dog ran .", "The big dog ran .") == []
    # dropping "possibly" where the original has another word there leaves a gap
    assert partial_fixes("It could possibly be .", "It could be .", "It could maybe be .") == []
    # dropping it where the original also lacks it, beside another spun word
    assert partial_fixes("It could possibly exist .", "It could exist .", "It could be .") == [(2, 3, ())]


def test_edits_right_counts_partial_fixes_as_right():
    spun = ["Officials in opposition to quick sales .", SPUN, "The big dog ran ."]
    outs = ["Officials against quick sales .", ORIG, "The large dog ran ."]
    got = spin_edits(spun, outs, [SHORT, ORIG, "The big dog ran ."])
    # row 1: fp 1 (partial), fn 1; row 2: tp 1; row 3: fp 1 (harm)
    assert counts(got) == (1, 2, 1) and got["partial"] == 1
    assert got["precision"] == pytest.approx(1 / 3) and got["edits_right"] == pytest.approx(2 / 3)
    assert spin_edits([SPUN], [SPUN], [ORIG])["edits_right"] == 1.0  # no edit: nothing harmed


# --- damage_removed ---------------------------------------------------------------------


def test_damage_removed_is_corpus_level():
    # row 1: spun 2 edits from the original (home->house, drop "very"), output 1; 6 words
    # row 2: spun 3 edits ("day by day ." vs "daily ."), output unchanged 3; 4 words
    # 1 - 4/5 = 0.2 (the mean of per-row ratios would be 0.25)
    r = damage_removed(
        ["The big home was very old .", "Prices rose day by day ."],
        ["The big house was very old .", "Prices rose day by day ."],
        [ORIG, "Prices rose daily ."],
    )
    assert r["damage_removed"] == pytest.approx(0.2)
    assert (r["spun_distance"], r["output_distance"], r["original_words"]) == (5, 4, 10)
    assert r["wer_spun"] == pytest.approx(0.5)
    assert r["wer_output"] == pytest.approx(0.4)


def test_damage_removed_full_and_negative():
    assert damage_removed([SPUN], [ORIG], [ORIG])["damage_removed"] == 1.0
    # 1 spun error; output has 3 (She, Home, !) -> 1 - 3/1 = -2
    r = damage_removed(["He went Home ."], ["She went Home !"], ["He went home ."])
    assert r["damage_removed"] == pytest.approx(-2.0)


def test_damage_removed_undefined_without_damage():
    r = damage_removed(["He went home ."], ["He went Home ."], ["He went home ."])
    assert r["damage_removed"] is None
    assert r["wer_output"] == pytest.approx(1 / 4)  # the harm still shows here


# --- clean_harm -------------------------------------------------------------------------


def test_clean_harm_on_clean_sources():
    r = clean_harm(
        ["He went home .", "It rained .", 'He said "no" .'], ["He went Home .", "It rained .", "He said “no” ."]
    )
    assert r == {"clean_harm": pytest.approx(1 / 3), "clean_changed": 1, "clean_n": 3}


def test_clean_harm_counts_only_clean_rows_of_a_spun_corpus():
    r = clean_harm(["He went home .", SPUN], ["He went Home .", ORIG], ["He went home .", ORIG])
    assert r == {"clean_harm": 1.0, "clean_changed": 1, "clean_n": 1}
    assert clean_harm([SPUN], [ORIG], [ORIG])["clean_harm"] is None


# --- exact match, BLEU, chrF ------------------------------------------------------------


def test_exact_match():
    outputs = ["He went home .", "He went Home .", "He  said “no” ."]
    refs = ["He went home .", "He went home .", 'He said "no" .']
    assert exact_match(outputs, refs)["exact_match"] == pytest.approx(2 / 3)


def test_bleu_and_chrf_are_sacrebleus_corpus_figures():
    outputs = ["The big house was old .", "Prices rose day by day .", "He went Home ."]
    refs = [ORIG, "Prices rose daily .", "He went home ."]
    r = bleu_chrf(outputs, refs)
    assert r["bleu"] == pytest.approx(sacrebleu.corpus_bleu(outputs, [refs]).score)
    assert r["chrf"] == pytest.approx(sacrebleu.corpus_chrf(outputs, [refs]).score)
    assert 0 < r["bleu"] < 100 and 0 < r["chrf"] < 100


def test_bleu_and_chrf_ignore_typography():
    r = bleu_chrf(["He said “no” – twice ."], ['He said "no" - twice .'])
    assert r["bleu"] == pytest.approx(100) and r["chrf"] == pytest.approx(100)


# --- score: every metric in one call --------------------------------------------------

CORPUS = (
    ["The big home was very old .", "Prices rose day by day .", "He went home .", SPUN],
    ["The big house was old .", "Prices rose day .", "He went Home .", SPUN],
    [ORIG, "Prices rose daily .", "He went home .", ORIG],
)


def test_score_collects_every_metric():
    from restore.metrics import f05_interval

    s, o, r = CORPUS
    got = score(s, o, r)
    assert got == {
        **spin_edits(s, o, r),
        **damage_removed(s, o, r),
        **clean_harm(s, o, r),
        **exact_match(o, r),
        **bleu_chrf(o, r),
        "n": 4,
        "f0.5_ci": list(f05_interval(s, o, r)),
    }
    # hand check: row 1 tp 2 (house, drop very); row 2 fp 1 fn 1; row 3 fp 1; row 4 fn 1
    assert counts(got) == (2, 2, 2)
    assert got["clean_harm"] == 1.0 and got["clean_n"] == 1
    assert got["exact_match"] == pytest.approx(1 / 4)


def test_score_without_interval_has_the_same_figures():
    s, o, r = CORPUS
    fast = score(s, o, r, interval=False)
    assert fast["f0.5_ci"] is None
    assert {k: v for k, v in fast.items() if k != "f0.5_ci"} == {
        k: v for k, v in score(s, o, r).items() if k != "f0.5_ci"
    }
    assert "exact" not in fast  # one key per figure: exact_match


def test_rows_must_line_up():
    with pytest.raises(ValueError):
        score([SPUN, SPUN], [ORIG], [ORIG, ORIG])
    with pytest.raises(ValueError):
        bleu_chrf([ORIG], [ORIG, ORIG])


# --- the evaluate modules ---------------------------------------------------------------

MODULES = {
    "spin_edits": (lambda s, o, r: {"sources": s, "predictions": o, "references": r}, spin_edits),
    "damage_removed": (lambda s, o, r: {"sources": s, "predictions": o, "references": r}, damage_removed),
    "clean_harm": (lambda s, o, r: {"sources": s, "predictions": o}, lambda s, o, r: clean_harm(s, o)),
    "restore_scores": (
        lambda s, o, r: {"predictions": o, "references": r},
        lambda s, o, r: {**exact_match(o, r), **bleu_chrf(o, r)},
    ),
}


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
@pytest.mark.parametrize("name", sorted(MODULES))
def test_evaluate_module_matches_python(name, absolute, monkeypatch):
    evaluate = pytest.importorskip("evaluate")
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # set by conftest

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access while loading a local metric: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.chdir(ROOT)
    path = str(ROOT / "eval/metrics" / name) if absolute else f"eval/metrics/{name}"
    inputs, python = MODULES[name]
    s, o, r = CORPUS
    got = evaluate.load(path).compute(**inputs(s, o, r))
    assert got == python(s, o, r)


def test_f05_interval_brackets_the_estimate_and_narrows_with_more_rows():
    from restore.metrics import f05_interval, spin_edits

    rows = [
        ("The Home handed the invoice.", "The House passed the invoice.", "The House passed the bill."),
        ("Officers mentioned it.", "Officers stated it.", "Officers said it."),
        ("He stated it was once fine.", "He said it was fine.", "He said it was fine."),
        ("A brand new plan.", "A brand new plan.", "A new plan."),
    ]
    src, out, ref = (list(x) for x in zip(*rows))
    f = spin_edits(src, out, ref)["f0.5"]
    lo, hi = f05_interval(src, out, ref)
    assert 0 <= lo < f < hi <= 1
    assert f05_interval(src, out, ref) == (lo, hi)  # fixed seed: same interval
    lo4, hi4 = f05_interval(src * 16, out * 16, ref * 16)
    assert hi4 - lo4 < hi - lo and lo4 <= f <= hi4
    assert f05_interval(src, ref, ref) == (1.0, 1.0)  # a perfect system: no spread
    with pytest.raises(ValueError):
        f05_interval(src, out[:2], ref)
    # groups: one group a row is the row bootstrap; whole groups resampled otherwise
    assert f05_interval(src, out, ref, groups=["a", "b", "c", "d"]) == (lo, hi)
    paired = f05_interval(src * 16, out * 16, ref * 16, groups=[str(i % 4) for i in range(64)])
    assert paired[1] - paired[0] > hi4 - lo4  # 4 articles of 16 rows know less than 64 free rows
    with pytest.raises(ValueError):
        f05_interval(src, out, ref, groups=["a"])


def test_f05_difference_is_paired_and_signed():
    from restore.metrics import f05_difference, spin_edits

    src = [
        "The Home handed the invoice.",
        "Officers mentioned it.",
        "He stated it was once fine.",
        "A brand new plan.",
    ] * 8
    ref = ["The House passed the bill.", "Officers said it.", "He said it was fine.", "A new plan."] * 8
    worse = ["The House passed the invoice.", "Officers stated it.", "He said it was fine.", "A brand new plan."] * 8
    d = f05_difference(src, worse, ref, ref)
    assert d["f0.5_a"] == spin_edits(src, worse, ref)["f0.5"] and d["f0.5_b"] == 1.0
    lo, hi = d["interval"]
    assert 0 < lo <= d["difference"] <= hi and d["b_better"] == 1.0  # b wins on every resampling
    back = f05_difference(src, ref, worse, ref)
    assert back["difference"] == -d["difference"] and back["b_better"] == 0.0
    # the same system twice: no difference on any resampling, however noisy the rows
    same = f05_difference(src, worse, worse, ref)
    assert same["difference"] == 0 and same["interval"] == [0.0, 0.0]
    # groups resampled whole: 4 groups of 8 rows
    grouped = f05_difference(src, worse, ref, ref, groups=[str(i // 8) for i in range(32)])
    assert grouped["groups"] == 4
    with pytest.raises(ValueError):
        f05_difference(src, worse, ref, ref, groups=["a"])


def test_paired_clean_harm_counts_discordant_sentences():
    from restore.metrics import paired_clean_harm

    clean = [f"Sentence number {i} is clean." for i in range(20)]
    a = list(clean)
    a[0] = "Sentence number 0 is tidy."
    b = [s.replace("clean", "spotless") if 1 <= i < 10 else s for i, s in enumerate(clean)]
    row = paired_clean_harm(clean, a, b)
    assert (row["changed_a"], row["changed_b"], row["only_a"], row["only_b"]) == (1, 9, 1, 9)
    assert row["p"] == pytest.approx(2 * (1 + 10) / 2**10)  # exact two-sided binomial, 1 of 10
    assert paired_clean_harm(clean, a, a)["p"] == 1.0
    # typography alone is not a change
    assert paired_clean_harm(["It's “fine”."], ['It’s "fine".'], ["It's “fine”."])["changed_a"] == 0


def test_edit_distance_is_the_word_levenshtein_distance():
    """restore.align.edit_distance (rapidfuzz) against the textbook dynamic programme."""
    import random

    from restore.align import edit_distance

    def textbook(a, b):
        prev = list(range(len(b) + 1))
        for i, x in enumerate(a, 1):
            cur = [i]
            for j, y in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
            prev = cur
        return prev[-1]

    rng = random.Random(0)
    vocab = "the of said stated House Home bill invoice , .".split()
    for _ in range(2000):
        a = [rng.choice(vocab) for _ in range(rng.randint(0, 10))]
        b = [rng.choice(vocab) for _ in range(rng.randint(0, 10))]
        assert edit_distance(a, b) == textbook(a, b)
    assert edit_distance(["said", "it"], ["stated", "it"]) == 1
