"""The spinner channel fitted to real pairs (restore.spinner.channel) and the spinner's
fitted mode, on small fixtures written here."""

from __future__ import annotations

import json

import pytest

from restore.spinner import Spinner, channel

# a tiny "real spinner": said -> stated always, house -> home always, new -> brand new
# sometimes, support never changed
ARTICLES = {
    "a1": [
        ("The House said it would support the new bill.", "The Home stated it would support the brand new bill."),
        ("He said the House would vote.", "He stated the Home would vote."),
    ],
    "a2": [
        ("She said the new plan was ready.", "She stated the new plan was ready."),
        ("They support the House.", "They support the Home."),
    ],
    "a3": [("The minister said support was growing.", "The minister stated support was growing.")],
    "a4": [("A new House report said so.", "A brand new Home report stated so.")],
}
BACKOFF = {
    "said": [("said", 1.0), ("mentioned", 1.0), ("stated", 1.0)],
    "support": [("support", 1.0), ("assist", 1.0)],
    "bill": [("bill", 1.0), ("invoice", 1.0)],
    "budget": [("budget", 1.0), ("finances", 1.0)],
}


def _pairs():
    return [{"article": a, "original": o, "spun": s} for a, rows in ARTICLES.items() for o, s in rows]


def test_events_count_changes_and_unchanged_occurrences():
    evts = channel.events(_pairs(), set(BACKOFF) | {"house", "new"})
    said = [e.replacement for e in evts if e.key == "said"]
    assert said == ["stated"] * 5
    support = [e.replacement for e in evts if e.key == "support"]
    assert support == [None] * 3  # seen three times, never changed
    new = sorted(e.replacement or "-" for e in evts if e.key == "new")
    assert new == ["-", "brand new", "brand new"]  # the insertion is anchored on "new"


def test_fitted_rates_follow_the_real_pairs_and_back_off_for_unseen_phrases():
    ch = channel.fit_channel(_pairs(), BACKOFF, weights={"alpha": 1.0, "beta": 1.0, "epsilon": 0.1})
    assert ch.change_prob("said") > 0.8
    assert ch.change_prob("support") < 0.4
    assert ch.replacement_prob("said", "stated") > ch.replacement_prob("said", "mentioned")
    # "budget" was never seen: its rate is the back-off rate of table phrases, its options the table's
    assert ch.seen["budget"] == 0 and ch.change_prob("budget") == pytest.approx(ch.rho[True])
    assert [r for r, _ in ch.options("budget")] == ["finances"]
    # a replacement the table does not hold keeps a little mass (held-out likelihood is finite)
    assert 0 < ch.replacement_prob("budget", "money") < ch.replacement_prob("budget", "finances")


def test_backoff_weights_are_chosen_by_held_out_likelihood():
    grid = {"alpha": (0.5, 50.0), "beta": (0.5, 50.0), "epsilon": (0.1,)}
    best = channel.choose_backoff(_pairs(), BACKOFF, folds=2, grid=grid)
    assert len(best["grid"]) == 4
    assert best["log_likelihood"] == max(r["log_likelihood"] for r in best["grid"])
    # the real habit (said -> stated, every time) is better predicted trusting the pairs
    top = {(r["alpha"], r["beta"]): r["log_likelihood"] for r in best["grid"]}
    assert top[(0.5, 0.5)] > top[(50.0, 50.0)]


def test_held_out_articles_are_a_stable_share():
    arts = [f"article-{i}" for i in range(2000)]
    held = [a for a in arts if channel.held_out(a, 0.2)]
    assert 300 < len(held) < 500
    assert held == [a for a in arts if channel.held_out(a, 0.2)]
    assert not any(channel.held_out(a, 0.0) for a in arts)


@pytest.mark.slow  # fits the channel model over the whole open back-off table (about a minute)
def test_fitted_spinner_writes_the_real_habits(tmp_path):
    path = tmp_path / "real.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in _pairs()), encoding="utf-8")
    sp = Spinner.from_config(
        {
            "mode": "fitted",
            "real_pairs": [str(path)],
            "place_prob": {"min": 1.0, "max": 1.0},
            "backoff": {"alpha": 0.1, "beta": 0.1, "epsilon": 0.01},
            "fixed_choice": 1.0,
            "behaviours": {"synonym": {"enabled": True, "weight": 1.0}},
            "capitalized_prob": 1.0,
        }
    )
    out = sp.spin_document(["The spokesman said the House was ready.", "Later he said it again."], seed=3)
    assert "stated the Home" in out[0]
    assert "stated" in out[1]
    # "support" is in the open back-off table but real spinners never changed it
    kept = sum(sp.spin("We support it.", seed=s) == "We support it." for s in range(40))
    assert kept >= 30


def test_fitted_mode_needs_real_pairs_and_a_mixture_leaves_it_out_without_them(tmp_path):
    with pytest.raises(ValueError, match="real_pairs"):
        Spinner.from_config({"mode": "fitted"})
    with pytest.warns(UserWarning, match="not found"):
        mixed = Spinner.from_config(
            {
                "mixture": [
                    {"weight": 1, "mode": "fitted", "real_pairs": [str(tmp_path / "missing.jsonl")]},
                    {"weight": 1, "mode": "thesaurus"},
                ]
            }
        )
    assert len(mixed.components) == 1


def test_read_pairs_reports_a_bad_row(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"spun": "a"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        channel.read_pairs(path)


def test_rate_scale_multiplies_the_fitted_change_rates(tmp_path):
    from conftest import FIXTURES

    path = tmp_path / "real.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in _pairs()), encoding="utf-8")
    config = {
        "mode": "fitted",
        "real_pairs": [str(path)],
        "synonym_sets": str(FIXTURES / "synsets/tiny_spinner.txt"),
        "behaviours": {"synonym": {"enabled": True, "weight": 1.0}},
    }
    base = Spinner.from_config(config).change_rates
    scaled = Spinner.from_config({**config, "rate_scale": 1.6}).change_rates
    assert base and set(scaled) == set(base)
    assert all(scaled[k] == pytest.approx(min(1.0, 1.6 * v)) for k, v in base.items())
    assert any(v < 1.0 for v in base.values()) and sum(scaled.values()) > sum(base.values())
    silent = Spinner.from_config({**config, "rate_scale": 0.0, "place_prob": {"min": 1.0, "max": 1.0}, "rules_prob": 0})
    assert silent.spin("The spokesman said the House was ready.", seed=1) == "The spokesman said the House was ready."
    with pytest.raises(ValueError, match="rate_scale"):
        Spinner.from_config({**config, "rate_scale": -1})
