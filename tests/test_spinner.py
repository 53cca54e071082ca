"""The synthetic spinner: determinism, rate bounds, and each behaviour."""

import re

import pytest

from restore.spinner import Spinner, transfer_case
from restore.spinner.text import TOKEN_RE

NEWS = (
    "The government said on Tuesday that the new bill would help people across the country, "
    "but officials could not confirm how many companies had signed the agreement. "
    "According to a report published last year, thousands of workers lost their jobs in the "
    "1960s, when the daily newspaper warned that the economy was facing a major crisis. "
    "The House passed the measure after a long debate, and the party leader told reporters "
    "that the vote showed the country wanted change. Prices rose 3.3 percent in the third quarter."
)


def only(*behaviours, **extra):
    """A spinner with just these behaviours on, spinning as much as it can."""
    cfg = {
        "rate": {"min": 1.0, "max": 1.0},
        "behaviours": {
            b: {"enabled": b in behaviours}
            for b in ("synonym", "function_word", "number", "abbreviation", "contraction", "spelling")
        },
        "capitalized_prob": 1.0,
        "keep_quotes_prob": 0.0,
        "keep_headline_prob": 0.0,
    }
    cfg.update(extra)
    return Spinner.from_config(cfg)


@pytest.fixture(scope="module")
def spinner():
    return Spinner.from_config()


def separators(text):
    return TOKEN_RE.sub("\0", text).split("\0")


def test_deterministic_for_a_seed(spinner):
    assert spinner.spin(NEWS, seed=7) == spinner.spin(NEWS, seed=7)
    assert spinner.spin_document([NEWS, NEWS], seed=3) == spinner.spin_document([NEWS, NEWS], seed=3)
    outputs = {spinner.spin(NEWS, seed=s) for s in range(6)}
    assert len(outputs) == 6, "different seeds should give different spins"


def test_rate_is_drawn_per_document_within_bounds(spinner):
    n_words = len(TOKEN_RE.findall(NEWS))
    shares = []
    for seed in range(40):
        _, edits = spinner.spin_with_edits(NEWS, seed=seed, keep_quotes=False)
        shares.append(sum(e.n_words for e in edits) / n_words)
    slack = 1.5 / n_words  # the word budget is randomly rounded
    assert all(s <= spinner.rate_max + slack for s in shares), max(shares)
    assert all(s >= spinner.rate_min - slack for s in shares), min(shares)
    assert max(shares) - min(shares) > 0.1, "rate should vary between documents"


def test_fixed_rate_is_respected():
    sp = Spinner.from_config({"rate": {"min": 0.2, "max": 0.2}})
    n_words = len(TOKEN_RE.findall(NEWS))
    for seed in range(10):
        _, edits = sp.spin_with_edits(NEWS, seed=seed, keep_quotes=False)
        assert abs(sum(e.n_words for e in edits) - 0.2 * n_words) <= 2


def test_punctuation_and_whitespace_are_kept(spinner):
    text = "He said:  “We will not   stop.”\tThe (new) plan — costing $3.3bn — starts today!"
    for seed in range(10):
        spun = spinner.spin(text, seed=seed, rate=0.35)
        assert separators(spun)[0] == separators(text)[0]
        assert "“" in spun and "”" in spun and "\t" in spun and "(" in spun and "—" in spun


def test_edits_come_from_the_tables_and_point_at_the_input(spinner):
    for seed in range(5):
        spun, edits = spinner.spin_with_edits(NEWS, seed=seed, keep_quotes=False)
        rebuilt, pos = [], 0
        for e in edits:
            assert NEWS[e.start : e.end] == e.original
            assert e.replacement in spinner.options(e.original) or e.behaviour == "number"
            rebuilt += [NEWS[pos : e.start], e.replacement]
            pos = e.end
        assert "".join(rebuilt) + NEWS[pos:] == spun


def test_synonyms_single_words_and_phrases_both_directions(spinner):
    assert {"stated", "mentioned"} <= spinner.options("said")
    assert "vary" in spinner.options("range")
    assert "day by day" in spinner.options("daily")
    assert "in keeping with" in spinner.options("according to")
    assert "purchase" in spinner.options("buy") and "buy" in spinner.options("purchase")
    assert "printed" in spinner.options("published")  # inflected: publish -> print


@pytest.mark.parametrize(
    "word,wrong_sense",
    [
        ("House", "Home"),
        ("bill", "invoice"),
        ("train", "teach"),
        ("party", "social gathering"),
        ("vote", "opinion"),
    ],
)
def test_context_blind_sense_errors(spinner, word, wrong_sense):
    assert wrong_sense in spinner.options(word)


def test_loose_synonyms_kept_but_units_and_function_words_never_swapped(spinner):
    # Moby lists these both ways; they share a WordNet hypernym, and real spinners swap them
    for word, loose in [("money", "cash"), ("conference", "convention"), ("business", "trade")]:
        assert loose in spinner.options(word), (word, loose)
    # co-hyponyms that are units change a fact, not a word
    for word, unit in [("month", "year"), ("week", "month"), ("Monday", "Tuesday")]:
        assert unit not in {o.lower() for o in spinner.options(word)}, (word, unit)
    # an inflected rare noun must not turn a function word into a key (ha -> has)
    for word in ("has", "does", "his", "us"):
        assert not any(o.lower() == "hour angles" for o in spinner.options(word))
        assert all(o.split()[0].lower() != "hour" for o in spinner.options(word))


def test_names_and_titles():
    assert transfer_case("Home Office", "dwelling workplace") == "Dwelling Workplace"
    assert transfer_case("Daily", "day by day") == "Day by day"
    assert transfer_case("said", "stated") == "stated"
    sp = only("synonym")
    text = "She visited the Home Office with Jens Stoltenberg and NATO officials."
    seen_title_swap = False
    for seed in range(10):
        spun = sp.spin(text, seed=seed)
        assert "Jens Stoltenberg" in spun and "NATO" in spun  # names and acronyms stay
        m = re.search(r"the (\S+) (\S+) with", spun)
        if m and m.group(1) != "Home":
            assert m.group(1)[0].isupper()
            seen_title_swap = True
    assert seen_title_swap
    for seed in range(10):
        out = sp.spin("Yesterday Mr. Smith and President Bush met.", seed=seed)
        assert "Mr. Smith" in out and "President Bush" in out
    never = only("synonym", capitalized_prob=0.0)
    for seed in range(10):
        assert "Home Office" in never.spin(text, seed=seed)


def test_numbers():
    sp = only("number")
    assert sp.options("3.3") == {"3.Three"}
    assert sp.options("1960s") == {"Sixties"} and sp.options("Sixties") == {"1960s"}
    assert "12 months" in sp.options("year")
    assert "3rd" in sp.options("third")
    assert "1000's" in sp.options("thousands")
    spun = sp.spin("Growth was 3.3 percent in the 1960s.", seed=0)
    assert "3.Three" in spun and "Sixties" in spun


def test_contractions_both_ways_keep_apostrophe_style():
    sp = only("contraction")
    assert sp.spin("He could not come.", seed=0) == "He couldn't come."
    assert sp.spin("He couldn’t come.", seed=0) == "He could not come."
    assert sp.spin("It is late, he couldn’t say.", seed=0) == "It’s late, he could not say."


def test_function_words():
    sp = only("function_word")
    assert sp.spin("Prices rose but wages fell.", seed=1) == "Prices rose however wages fell."
    assert sp.spin("According to Reuters, it fell.", seed=2).split(",")[0] in {
        "In keeping with Reuters",
        "In line with Reuters",
        "Consistent with Reuters",
        "In accordance with Reuters",
        "Based on Reuters",
        "In step with Reuters",
    }
    # frequent words are swapped only now and then (key_probability): the->a, in->within
    swapped = {sp.spin("Look at the cat.", seed=s) for s in range(60)}
    assert swapped == {"Look at a cat.", "Look at the cat."}
    within = {sp.spin("It rained in May.", seed=s) for s in range(20)}
    assert within == {"It rained within May.", "It rained in May."}


def test_spelling_variants():
    sp = only("spelling")
    assert "organise" in sp.options("organize") and "organize" in sp.options("organise")


def test_disabled_behaviour_never_fires():
    sp = only("synonym", "function_word")
    for seed in range(20):  # no contraction, no number rewrite
        out = sp.spin("They could not agree on 3.3 percent in the 1960s.", seed=seed)
        assert "n't" not in out and "3.3" in out and "1960s" in out


def test_quotes_and_headlines_can_be_kept():
    keep = only("synonym", "function_word", keep_quotes_prob=1.0, keep_headline_prob=1.0)
    quote = "“We must do whatever it takes to support the economy”"
    for seed in range(5):
        out = keep.spin_document([f"He said {quote}, officials said."], seed=seed)[0]
        assert quote in out
        assert keep.spin_document(["House passes relief bill"], seed=seed, is_title=True) == [
            "House passes relief bill"
        ]
    # an open quote carries over to the next sentence of the document
    out = keep.spin_document(["He said: “The plan failed.", "The bill died.”", "The bill died."], seed=0)
    assert out[1] == "The bill died.”" and out[2] != "The bill died."
    spin_all = only("synonym", "function_word")
    assert spin_all.spin_document([f"He said {quote}"], seed=0)[0] != f"He said {quote}"


def test_config_validation(tmp_path):
    with pytest.raises(ValueError, match="unknown spinner behaviours"):
        Spinner.from_config({"behaviours": {"telepathy": {"enabled": True}}})
    with pytest.raises(ValueError, match="rate"):
        Spinner.from_config({"rate": {"min": 0.5, "max": 0.2}})
    cfg = tmp_path / "spin.yaml"
    cfg.write_text("spinner:\n  rate: {min: 0.3, max: 0.3}\n  behaviours: {spelling: {enabled: false}}\n")
    sp = Spinner.from_config(cfg)
    assert sp.rate_min == sp.rate_max == 0.3 and "spelling" not in sp.weights


def test_extra_table(tmp_path):
    table = tmp_path / "extra.tsv"
    table.write_text("# mine\nzebra\tstriped horse\t5\n")
    sp = only("synonym", extra_tables=[str(table)])
    assert "striped horse" in sp.options("zebra")
    assert sp.spin("A zebra.", seed=0) == "A striped horse."


# -- rewriter mode (a '|'-separated synonym-set file, as commercial rewriters use) --------

SETS = __import__("pathlib").Path(__file__).parent / "fixtures/synsets/sets.txt"


def rewriter(**extra):
    cfg = {
        "mode": "rewriter",
        "synonym_sets": str(SETS),
        "original_weight": 0.0,
        "place_prob": {"min": 1.0, "max": 1.0},
        "capitalized_prob": 1.0,
        "keep_quotes_prob": 0.0,
        "rules_prob": 0.0,
    }
    cfg.update(extra)
    return Spinner.from_config(cfg)


def test_rewriter_swaps_every_whole_word_match_and_keeps_case():
    sp = rewriter()
    text = "The House passed the bill; the house and the Bill said so, billing aside."
    spun = sp.spin(text, seed=1)
    assert "House" not in spun.split() and " house " not in spun
    assert spun.count("invoice") == 1 and spun.count("Invoice") == 1
    assert "billing" in spun  # whole words only
    assert re.search(r"The (Home|Dwelling) passed", spun)  # capital carried over
    assert "said" not in spun


def test_rewriter_prefers_the_longest_phrase():
    spun = rewriter().spin("It was low, according to the daily paper.", seed=3)
    assert "according" not in spun
    assert re.search(r"(in keeping with|in line with) the day by day paper", spun)


def test_rewriter_line_rules():
    # "all": said draws from both lines that hold it; "first": from said|stated only
    every = {rewriter(set_lines="all").spin("He said no.", seed=s) for s in range(40)}
    first = {rewriter(set_lines="first").spin("He said no.", seed=s) for s in range(40)}
    assert every == {"He stated no.", "He mentioned no."}
    assert first == {"He stated no."}


def test_rewriter_can_draw_the_original():
    sp = rewriter(original_weight=1.0)
    outs = {sp.spin("The bill.", seed=s) for s in range(40)}
    assert outs == {"The bill.", "The invoice."}


def test_rewriter_never_swaps_facts():
    sp = rewriter()
    text = "Assets of $1.8 trillion and 3 million people in the north never left."
    for seed in range(30):
        spun = sp.spin(text, seed=seed)
        for word in ("trillion", "million", "north"):
            assert word in spun
        assert "always" not in spun and ("never" in spun or "by no means" in spun)


def test_open_table_never_swaps_magnitudes():
    sp = only("synonym")
    for seed in range(30):
        spun = sp.spin("The bank lost 15 billion dollars and 2 million jobs.", seed=seed)
        assert "billion" in spun and "million" in spun
        assert "trillion" not in spun


def test_rewriter_is_deterministic_and_seeded():
    sp = rewriter(original_weight=1.0, place_prob={"min": 0.3, "max": 1.0})
    text = "The House said the bill and the documents were at home, according to the daily."
    assert sp.spin(text, seed=5) == rewriter(original_weight=1.0, place_prob={"min": 0.3, "max": 1.0}).spin(
        text, seed=5
    )
    assert len({sp.spin(text, seed=s) for s in range(10)}) > 3


def test_rewriter_needs_a_sets_file():
    with pytest.raises(ValueError, match="synonym_sets"):
        Spinner.from_config({"mode": "rewriter"})


def test_mixture_spins_each_document_with_one_component():
    mix = Spinner.from_config(
        {
            "mixture": [
                {
                    "weight": 1,
                    "mode": "rewriter",
                    "synonym_sets": str(SETS),
                    "original_weight": 0.0,
                    "place_prob": {"min": 1.0, "max": 1.0},
                    "keep_quotes_prob": 0.0,
                    "rules_prob": 0.0,
                },
                {"weight": 1, "behaviours": {"synonym": {"enabled": False}}, "rate": {"min": 0.0, "max": 0.0}},
            ]
        }
    )
    doc = ["The bill passed.", "The house agreed."]
    spun = [tuple(mix.spin_document(doc, seed=s)) for s in range(30)]
    both = {("The invoice passed.", "The home agreed."), ("The invoice passed.", "The dwelling agreed.")}
    rewritten = [s for s in spun if s != tuple(doc)]
    # whole documents go one way or the other, never half and half
    assert all(s in both for s in rewritten)
    assert 5 < len(rewritten) < 25
    assert spun == [tuple(mix.spin_document(doc, seed=s)) for s in range(30)]


def test_mixture_without_the_sets_file_falls_back_to_the_open_spinner(tmp_path):
    with pytest.warns(UserWarning, match="not found"):
        mix = Spinner.from_config(
            {
                "mixture": [
                    {"weight": 0.7, "mode": "rewriter", "synonym_sets": str(tmp_path / "missing.sdata")},
                    {"weight": 0.3, "mode": "thesaurus"},
                ]
            }
        )
    assert len(mix.components) == 1 and mix.components[0][1].mode == "thesaurus"
    assert mix.spin_document([NEWS], seed=2) != [NEWS]


def test_mixture_paths_are_relative_to_the_config(tmp_path):
    cfg = tmp_path / "spin.yaml"
    cfg.write_text(
        "spinner:\n  mixture:\n    - {weight: 1, mode: rewriter, synonym_sets: sets.txt,"
        " original_weight: 0, place_prob: {min: 1, max: 1}, rules_prob: 0}\n"
    )
    (tmp_path / "sets.txt").write_text("bill|invoice\n")
    assert Spinner.from_config(cfg).spin("The bill.", seed=1) == "The invoice."


def test_spin_document_depends_on_its_seed_and_not_on_the_process(tmp_path):
    import os
    import subprocess
    import sys

    sp = rewriter(original_weight=1.0, place_prob={"min": 0.2, "max": 1.0})
    doc = ["The House said the bill was at home.", "The documents were daily, according to the House."]
    spins = {tuple(sp.spin_document(doc, seed=s)) for s in range(12)}
    assert len(spins) > 4
    code = (
        "import json,sys\nfrom restore.spinner import Spinner\n"
        f"sp = Spinner.from_config({{'mode': 'rewriter', 'synonym_sets': {str(SETS)!r}, 'original_weight': 1.0,"
        " 'place_prob': {'min': 0.2, 'max': 1.0}, 'capitalized_prob': 1.0, 'keep_quotes_prob': 0.0,"
        " 'rules_prob': 0.0})\n"
        f"print(json.dumps([sp.spin_document({doc!r}, seed=s) for s in range(12)]))\n"
    )
    outs = []
    for hashseed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    assert __import__("json").loads(outs[0]) == [sp.spin_document(doc, seed=s) for s in range(12)]
