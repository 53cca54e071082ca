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
