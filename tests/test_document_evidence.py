"""Document evidence (restore.guards.Thresholds.document_evidence): a restoration made
confidently in one sentence counts for the same restoration elsewhere in the document."""

from restore.edits import Edit
from restore.guards import Proposal, Thresholds, best_confidences, document_evidence


def edit(text, word, replacement, confidence, sentence=0):
    start = text.index(word)
    return Edit(start, start + len(word), word, replacement, confidence, sentence)


A = "The Home voted. The Home met again."
B = "The Home voted."


def proposals():
    second = A.index("Home", A.index("Home") + 1)
    # "Home" -> "House" sure in the first sentence, unsure at its second place
    sure = Proposal([edit(A, "Home", "House", 0.95, 0), Edit(second, second + 4, "Home", "House", 0.4, 1)], 8, 1.2)
    other_doc = Proposal([edit(B, "Home", "House", 0.4)], 3, 0.4)
    return sure, other_doc


def test_a_confident_restoration_lifts_the_same_one_in_its_document_only():
    sure, other_doc = proposals()
    plain = Thresholds(min_confidence=0.7)
    pooled = Thresholds(min_confidence=0.7, document_evidence=True)
    assert len(plain.apply(sure)) == 1
    kept = pooled.apply(sure)
    assert [e.start for e in kept] == [e.start for e in sure.edits]
    assert all(e.confidence == 0.95 for e in kept)
    # another document does not borrow the evidence
    assert pooled.apply_all([sure, other_doc], ["a", "b"])[1] == []
    # one document: it does
    assert len(pooled.apply_all([sure, other_doc], ["a", "a"])[1]) == 1


def test_other_restorations_of_the_same_words_are_not_lifted():
    text = "The Home voted. The Home met."
    second = text.index("Home", 5)
    p = Proposal([Edit(4, 8, "Home", "House", 0.95, 0), Edit(second, second + 4, "Home", "Household", 0.4, 1)], 6, 1.3)
    kept = Thresholds(min_confidence=0.7, document_evidence=True).apply(p)
    assert [e.replacement for e in kept] == ["House"]


def test_best_confidences_ignore_case_and_spacing():
    p = Proposal([Edit(0, 4, "Home", "House", 0.9), Edit(10, 15, "home ", "house", 0.3)], 5, 1.0)
    best = best_confidences([p])
    assert best == {("home", "house"): 0.9}
    assert [e.confidence for e in document_evidence(p.edits, best)] == [0.9, 0.9]


def test_score_grid_scores_each_set_and_their_mean():
    from tools.choose_thresholds import score_grid

    spun = ["The Home voted.", "Officers mentioned it."]
    originals = ["The House voted.", "Officers said it."]
    spun_props = [
        Proposal([edit(spun[0], "Home", "House", 0.95)], 3, 0.95),
        Proposal([edit(spun[1], "mentioned", "stated", 0.95)], 3, 0.95),
    ]  # a wrong fix
    clean_props = [Proposal([], 3, 0.0), Proposal([], 3, 0.0)]
    rows = score_grid(spun, originals, [0, 1], spun_props, clean_props, ["valid", "real"], (False, True))
    r = next(
        r for r in rows if (r["min_confidence"], r["lone_edit_confidence"], r["min_spun_score"]) == (0.9, 0.0, 0.0)
    )
    assert r["f0.5 valid"] == 1.0 and r["f0.5 real"] == 0.0 and r["f0.5"] == 0.5
    assert {r["document_evidence"] for r in rows} == {False, True}
