"""The threshold choice of tools/choose_thresholds.py on hand-made score rows."""

from tools.choose_thresholds import choose


def row(c, lone, f, harm):
    return {"min_confidence": c, "lone_edit_confidence": lone, "f0.5": f, "clean_harm": harm}


def test_best_f05_within_the_harm_budget():
    rows = [row(0.3, 0, 0.60, 0.20), row(0.5, 0.9, 0.57, 0.04), row(0.7, 0.9, 0.55, 0.02)]
    assert choose(rows, 0.05) == rows[1]
    assert choose(rows, 0.25) == rows[0]


def test_near_equal_f05_is_a_tie_won_by_lower_harm():
    rows = [row(0.6, 0.95, 0.5802, 0.042), row(0.7, 0.9, 0.5796, 0.037), row(0.7, 0.98, 0.569, 0.017)]
    assert choose(rows, 0.05) == rows[1]
    rows[0]["f0.5"] = 0.5810  # a real difference
    assert choose(rows, 0.05) == rows[0]


def test_without_a_harmless_enough_row_the_least_harmful():
    rows = [row(0.3, 0, 0.60, 0.20), row(0.8, 0.98, 0.50, 0.09)]
    assert choose(rows, 0.05) == rows[1]


def test_document_gate_pools_documents_and_harm_is_counted_both_ways():
    from restore.edits import Edit
    from restore.guards import Proposal, Thresholds
    from tools.choose_thresholds import score_grid

    spun = ["The Home handed it.", "Officers mentioned it."]
    originals = ["The House passed it.", "Officers said it."]

    def edit(text, word, replacement, confidence):
        start = text.index(word)
        return Edit(start, start + len(word), word, replacement, confidence)

    spun_props = [
        Proposal([edit(spun[0], "Home handed", "House passed", 0.9)], 5, 1.8),
        Proposal([edit(spun[1], "mentioned", "said", 0.9)], 4, 0.9),
    ]
    # the clean document: one sure proposal in its first sentence (a false fix), none in the second
    clean_props = [Proposal([edit(originals[0], "passed", "handed", 0.95)], 5, 0.95), Proposal([], 4, 0.0)]
    docs = [0, 0]
    # pooled, the clean document scores 0.95 / 9 = 0.11; its first sentence alone 0.19
    assert Thresholds(min_spun_score=0.15).apply_all(clean_props, docs) == [[], []]
    assert len(Thresholds(min_spun_score=0.15).apply_all(clean_props, None)[0]) == 1
    rows = {
        (r["min_confidence"], r["lone_edit_confidence"], r["min_spun_score"]): r
        for r in score_grid(spun, originals, docs, spun_props, clean_props)
    }
    r = rows[(0.9, 0.0, 0.1)]  # every gate passed: both spun edits right, one clean sentence of two harmed
    assert (r["f0.5"], r["clean_harm_documents"], r["clean_harm_sentences"], r["clean_harm"]) == (1.0, 0.5, 0.5, 0.5)
    r = rows[(0.9, 0.0, 0.0)]
    assert r["clean_harm"] == 0.5
    # the lone-edit gate at 0.98 drops the sure-but-lone clean edit and both lone spun edits
    r = rows[(0.9, 0.98, 0.0)]
    assert (r["recall"], r["clean_harm"]) == (0.0, 0.0)


def test_valid_documents_all_by_default():
    """Documents with at least three distinct one-sentence originals; None takes them all,
    a number that many, in a seeded order, each cut to max_sentences."""
    from tools.choose_thresholds import valid_documents

    pairs = {"original": [], "doc_id": [], "n_sent": []}
    for d in range(6):
        for k in range(2 + d % 3):  # documents 0, 3: two sentences (too short)
            pairs["original"].append(f"Sentence {k} of document {d}.")
            pairs["doc_id"].append(f"doc{d}")
            pairs["n_sent"].append(1)
    pairs["original"].append("Two sentences. In one row.")
    pairs["doc_id"].append("doc0")
    pairs["n_sent"].append(2)
    every = valid_documents(pairs, None, 25)
    assert sorted(d for d, _ in every) == ["doc1", "doc2", "doc4", "doc5"]
    assert valid_documents(pairs, 2, 25) == every[:2]
    assert all(len(s) <= 3 for _, s in valid_documents(pairs, None, 3))
    assert [len(s) for _, s in valid_documents(pairs, None, 2)] == [2, 2, 2, 2]
