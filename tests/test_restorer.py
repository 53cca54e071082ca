"""The Restorer: edits with their offsets and confidences, the thresholds and the document
gate, the spun-ness score and the memory of sentences seen, with a scripted engine (exact
control of what the "model" says) so the expected answers can be worked out by hand; then
the Restorer and `restore run` on the tiny and the shipped model."""

import math

from helpers import ScriptedEngine
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.cli import main
from restore.guards import kept_edits
from restore.restorer import Restorer
from restore.segment import split_long


def test_restore_with_edits_offsets_confidence_and_threshold():
    text = "First line stays.\n\nThe Home handed the invoice.  Officers mentioned it."
    engine = ScriptedEngine(
        {"The Home handed the invoice.": "The House passed the bill.", "Officers mentioned it.": "Officers said it."},
        probs={"House": 0.8, "passed": 0.95, "bill.": 0.3, "said": 0.6},
    )
    r = Restorer(engine)
    restored, edits = r.restore_with_edits(text)
    assert restored == "First line stays.\n\nThe House passed the bill.  Officers said it."
    assert [(text[e.start : e.end], e.spun, e.replacement) for e in edits] == [
        ("Home handed", "Home handed", "House passed"),
        ("invoice", "invoice", "bill"),
        ("mentioned", "mentioned", "said"),
    ]
    assert [round(e.confidence, 3) for e in edits] == [0.8, 0.3, 0.6]  # the least sure token
    assert r.restore(text) == restored
    r.min_confidence = 0.5
    restored, edits = r.restore_with_edits(text)
    assert restored == "First line stays.\n\nThe House passed the invoice.  Officers said it."
    assert [e.replacement for e in edits] == ["House passed", "said"]
    assert r.restore(text) == restored
    # each distinct sentence goes to the model once
    engine.generated.clear()
    r.restore([text, text])
    assert sorted(engine.generated) == sorted(set(engine.generated))


def test_the_model_reads_dots_for_an_ellipsis_and_the_input_keeps_it():
    text = "Officers… the Home handed the invoice “now”."
    # the model reads "..." (and straight quotes) and may miscount the dots it writes back
    engine = ScriptedEngine(
        {'Officers... the Home handed the invoice "now".': 'Officers.... the House passed the bill "now".'},
        probs={"House": 0.8, "passed": 0.95, "bill": 0.3},
    )
    restored, edits = Restorer(engine).restore_with_edits(text)
    assert engine.generated == ['Officers... the Home handed the invoice "now".']
    assert restored == "Officers… the House passed the bill “now”."
    assert [(text[e.start : e.end], e.replacement) for e in edits] == [
        ("Home handed", "House passed"),
        ("invoice", "bill"),
    ]
    # scored as read, with the token spans mapped back past the "…": each edit gets its own word's
    assert engine.scored == [
        ('Officers... the Home handed the invoice "now".', 'Officers... the House passed the bill "now".')
    ]
    assert [round(e.confidence, 3) for e in edits] == [0.8, 0.3]
    # a source with dots of its own: the output's runs of dots take the source's marks in order
    engine = ScriptedEngine({"Wait... the Home... left": "Wait.. the House.... left"})
    assert Restorer(engine).restore("Wait... the Home… left") == "Wait... the House… left"
    # a run the model dropped: nothing to pair; the edit that would lose the "…" is dropped
    engine = ScriptedEngine({"Wait... the Home... left": "Wait... the House left now"})
    assert Restorer(engine).restore("Wait... the Home… left") == "Wait... the Home… left now"


def test_lone_edit_gate_is_per_sentence():
    # two sentences in one text: the first has a single edit, the second two
    text = "Officers mentioned it. The Home handed the invoice."
    engine = ScriptedEngine(
        {"Officers mentioned it.": "Officers said it.", "The Home handed the invoice.": "The House handed the bill."},
        probs={"said": 0.8, "House": 0.8, "bill.": 0.7},
    )
    assert Restorer(engine, 0.5).restore(text) == "Officers said it. The House handed the bill."
    gated = Restorer(engine, 0.5, lone_edit_confidence=0.9)
    restored, edits = gated.restore_with_edits(text)
    assert restored == "Officers mentioned it. The House handed the bill."  # the lone 0.8 edit is dropped
    assert [(e.replacement, e.sentence) for e in edits] == [("House", 1), ("bill", 1)]
    assert gated.restore(text) == restored
    # a sentence left with one edit after min_confidence is a lone edit too
    assert Restorer(engine, 0.75, lone_edit_confidence=0.9).restore(text) == text
    # a sure lone edit stays (a new restorer: one remembers the scores it has seen)
    engine.probs["said"] = 0.95
    assert (
        Restorer(engine, 0.5, lone_edit_confidence=0.9).restore(text) == "Officers said it. The House handed the bill."
    )
    # the gate is a no-op at or below min_confidence
    assert kept_edits(edits, 0.5, 0.5) == kept_edits(edits, 0.5, 0.0) == edits


def test_spun_score_sentence_and_document():
    text = "Clean words here.  The Home handed the invoice."
    engine = ScriptedEngine(
        {"The Home handed the invoice.": "The House passed the bill."},
        probs={"House": 0.5, "passed": 0.5, "bill.": 1.0},
    )
    score = Restorer(engine).spun_score(text)
    # sentence 2 has 6 words (with the full stop): edits of 2 words at 0.5 and 1 word at 1.0
    assert [round(s, 3) for *_, s in score.sentences] == [0.0, round(2 / 6, 3)]
    assert score.sentences[1][:2] == (19, len(text))
    assert math.isclose(score.score, 2 / 10)  # 4 + 6 words
    assert Restorer(ScriptedEngine({})).spun_score(text).score == 0.0


def test_document_gate_leaves_texts_that_look_clean_alone():
    engine = ScriptedEngine(
        {
            "The Home handed the invoice.": "The House passed the bill.",
            "Officers said it was a fine day.": "Officers said it was a good day.",
        },
        probs={"good": 0.8},
    )
    spun, clean = "The Home handed the invoice.", "Officers said it was a fine day."
    proposals = Restorer(engine).propose([spun, clean])
    # spun: House passed + bill at 0.9 over 6 words (0.45); clean: one word at 0.8 over 8 (0.1)
    assert [round(p.spun_score, 3) for p in proposals] == [0.45, 0.1]
    gated = Restorer(engine, min_spun_score=0.2)
    assert gated.thresholds.min_spun_score == 0.2
    assert gated.restore([spun, clean]) == ["The House passed the bill.", clean]
    assert gated.restore(clean) == clean and gated.restore_with_edits(clean) == (clean, [])
    # read as one document the two pool their words: (2.7 + 0.8) / 14 = 0.25, both restored
    assert gated.restore([spun, clean], one_document=True) == [
        "The House passed the bill.",
        "Officers said it was a good day.",
    ]
    assert Restorer(engine, min_spun_score=0.3).restore([spun, clean], one_document=True) == [spun, clean]
    # the gate needs the confidences even when the other thresholds are 0
    assert Restorer(engine, min_spun_score=0.46).restore(spun) == spun


def test_model_reads_straight_quotes_and_the_input_keeps_its_own():
    text = "He said “the Home handed it” — twice."
    straight = 'He said "the Home handed it" - twice.'
    engine = ScriptedEngine({straight: 'He said "the House passed it" - twice.'})
    assert Restorer(engine).restore(text) == "He said “the House passed it” — twice."
    assert engine.generated == [straight]
    # confidences are scored on what the model read, not on the curly-quoted input
    restored, edits = Restorer(engine, min_confidence=0.5).restore_with_edits(text)
    assert restored == "He said “the House passed it” — twice." and len(edits) == 1
    assert engine.scored[-1] == (straight, 'He said "the House passed it" - twice.')


def test_sentences_seen_in_earlier_calls_do_not_go_through_the_model_again():
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill."})
    restorer = Restorer(engine, min_confidence=0.5)
    first = restorer.restore("The Home handed the invoice. Read extra.")
    assert first == "The House passed the bill. Read extra."
    engine.generated.clear(), engine.scored.clear()
    # a later call: the known sentences come from memory, only the new one is decoded
    again = restorer.restore(["Read extra. The Home handed the invoice.", "A new line."])
    assert again == ["Read extra. The House passed the bill.", "A new line."]
    assert engine.generated == ["A new line."] and engine.scored == []
    # the thresholds still apply to remembered edits (they are stored before thresholds)
    restorer.min_confidence = 0.95
    assert restorer.restore("The Home handed the invoice.") == "The Home handed the invoice."
    assert engine.generated == ["A new line."]


def test_the_memory_is_bounded(monkeypatch):
    import restore.restorer as restorer_module

    monkeypatch.setattr(restorer_module, "MEMO_SIZE", 2)
    engine = ScriptedEngine({})
    restorer = Restorer(engine, min_confidence=0.5)
    restorer.restore(["One.", "Two.", "Three."])
    engine.generated.clear()
    restorer.restore(["One.", "Three."])  # "One." was the oldest: forgotten
    assert engine.generated == ["One."]


def test_an_edits_confidence_can_be_computed_another_way():
    engine = ScriptedEngine(
        {"The Home handed the invoice.": "The House passed the bill."}, probs={"House": 0.8, "passed": 0.5}
    )
    seen = []

    def mean_prob(logprobs):
        seen.append(len(logprobs))
        return sum(math.exp(lp) for lp in logprobs) / len(logprobs)

    _, edits = Restorer(engine, edit_confidence=mean_prob).restore_with_edits("The Home handed the invoice.")
    assert [e.replacement for e in edits] == ["House passed", "bill"]
    assert [round(e.confidence, 3) for e in edits] == [0.65, 0.9]  # not the least sure token (0.5)
    assert seen == [2, 1]  # each edit's own tokens


def test_a_deletion_is_as_sure_as_the_token_after_it():
    engine = ScriptedEngine({"It was once going well.": "It was going well."}, probs={"going": 0.3})
    assert Restorer(engine, 0.5).restore("It was once going well.") == "It was once going well."
    engine.probs["going"], engine.probs["was"] = 0.95, 0.1
    assert Restorer(engine, 0.5).restore("It was once going well.") == "It was going well."


def test_spun_score_is_capped_per_sentence():
    # three insertions into a two-token sentence: the sentence counts as wholly changed, not more
    engine = ScriptedEngine({"Ab.": "x Ab y. z"}, probs={"x": 0.99, "y": 0.99, "z": 0.99, "Ab": 0.99})
    score = Restorer(engine).spun_score("Ab.")
    assert score.sentences[0][2] <= 1.0 and score.score <= 1.0


def test_output_that_loses_numbers_or_urls_is_not_trusted():
    check = Restorer._checked
    assert check("It rose 3.3% in 2020.", "It rose 3.3% in 2020.") == "It rose 3.3% in 2020."
    assert check("It rose 3.3% in 2020.", "It rose 4% in 2020.") == "It rose 3.3% in 2020."
    assert check("See https://x.org/a now.", "See the site now.") == "See https://x.org/a now."
    assert check("Mail a@b.com today.", "Mail a@b.com now.") == "Mail a@b.com now."
    # the spinner's 3.Three is the number 3.3: restoring it is a fix, not a loss
    assert check("It grew 2.Four p.c. in May.", "It grew 2.4 percent in May.") == "It grew 2.4 percent in May."
    assert check("It grew 2.Four p.c. in May.", "It grew 2 percent in May.") == "It grew 2.Four p.c. in May."
    assert check("Short one.", "") == "Short one."
    assert check("Short one.", "word " * 40) == "Short one."
    # an output that is not a restoration of its input (a model failure) is not used
    spun = "The Home handed the invoice on Tuesday after a long debate."
    assert check(spun, "Up, to the are.") == spun
    assert (
        check(spun, "The House passed the bill on Tuesday after a long debate.")
        == "The House passed the bill on Tuesday after a long debate."
    )


# -- restore-level property: a scripted engine that really edits --------------------------

SWAP = {"Home": "House", "home": "house", "invoice": "bill", "handed": "passed", "Home’s": "House’s"}


class WordSwapEngine(ScriptedEngine):
    """A "model" that restores three spun words wherever it reads them (any input)."""

    def __init__(self):
        super().__init__({})

    def generate(self, sentences):
        import re as _re

        self.generated += sentences
        return [_re.sub(r"\b(Home|home|invoice|handed)\b", lambda m: SWAP[m.group()], s) for s in sentences]


SPUN = st.sampled_from(["Home", "handed", "invoice", "home", "“Home", "invoice”", "Home’s", "(invoice)"])
PLAIN = st.sampled_from(
    [
        "the",
        "officials",
        "said",
        "on",
        "Tuesday",
        "3.3",
        "$2",
        "billion",
        "and",
        "that",
        "“they",
        "left”",
        "(the",
        "plan)",
    ]
)
GAPS = st.sampled_from([" ", " ", " ", "  ", "\u00a0", "\t", " \u200b"])
ENDS = st.sampled_from(["\n", "\r\n", "\n\n", "\n  "])
# a line: plain words with spun ones among them (at most one in three, as a spinner does)
LINE = st.lists(st.tuples(PLAIN, PLAIN, st.one_of(SPUN, PLAIN), GAPS, GAPS, GAPS), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(LINE, ENDS), min_size=1, max_size=6), st.booleans())
def test_restore_keeps_everything_outside_the_edits(lines, gated):
    import re as _re

    text = "".join(
        "".join(a + g1 + b + g2 + c + g3 for a, b, c, g1, g2, g3 in words).rstrip() + "." + end for words, end in lines
    )
    engine = WordSwapEngine()
    r = Restorer(engine, 0.5 if gated else 0.0)
    out = r.restore(text)
    # exactly the swapped words changed; every other character (spaces, NBSP, tabs, line
    # endings, quotes, zero-width characters) where it was
    expected = _re.sub(r"\b(Home|home|invoice|handed)\b", lambda m: SWAP[m.group()], text)
    assert out == expected
    assert out.count("\n") == text.count("\n") and out.count("\r\n") == text.count("\r\n")


def test_double_spaces_and_nbsp_inside_a_multiword_edit_are_kept():
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill."})
    r = Restorer(engine)
    assert r.restore("The  Home  handed the invoice.") == "The  House  passed the bill."
    assert r.restore("The Home\u00a0handed the invoice.") == "The House\u00a0passed the bill."
    # the model reads one space for any run: the double spacing does not change its answer
    assert engine.generated[-1] == "The Home handed the invoice."


def test_zero_width_characters_and_emoji_at_a_sentence_start_do_not_block_edits():
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill."})
    r = Restorer(engine, 0.5)
    for lead in ("\u200b", "\ufeff", "😀 ", "👍🏽 ", "\u200d"):
        assert r.restore(lead + "The Home handed the invoice.") == lead + "The House passed the bill."


def test_an_edited_word_keeps_the_inputs_curly_apostrophe():
    engine = ScriptedEngine({"The Home's bill left.": "The House's bill left."})
    assert Restorer(engine).restore("The Home’s bill left.") == "The House’s bill left."
    assert Restorer(engine).restore("The Home's bill left.") == "The House's bill left."


# -- the tiny and the shipped model --------------------------------------------------------


def test_restorer_keeps_layout_and_is_deterministic(tiny_model):
    r = Restorer.from_pretrained(tiny_model, batch_size=4)
    text = "The council stated a plan.  Officials mentioned it!\r\n\r\n  Indented line here.\n"
    out = r.restore(text)
    assert out.count("\r\n") == 2 and out.endswith("\n") and "\r\n\r\n  " in out
    assert r.restore(text) == out
    many = r.restore([text, "", "One more."])
    assert isinstance(many, list) and len(many) == 3 and many[0] == out and many[1] == ""
    # a sentence longer than the model's input is restored in pieces, never truncated
    seen = []
    real_generate = r.generate
    r.generate = lambda sents: (seen.extend(sents), real_generate(sents))[1]
    long = "The council stated a plan, " * 60 + "and left."
    r.restore(long)
    assert len(seen) > 1 and all(len(s) <= r.max_chars for s in seen)
    assert set(seen) == {p.strip() for p in split_long(long, r.max_chars)}  # every piece went in


def test_run_cli_keeps_every_line(tiny_model, tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("The council stated a plan.\n\nOfficials mentioned it.\nLast line without newline")
    dest = tmp_path / "out.txt"
    assert main(["run", str(src), "--model", str(tiny_model), "-o", str(dest)]) == 0
    out = dest.read_text()
    assert out.count("\n") == 3 and out.split("\n")[1] == ""
    assert main(["run", str(src), "--model", str(tiny_model)]) == 0
    assert capsys.readouterr().out == out
    assert main(["run", str(tmp_path / "missing.txt"), "--model", str(tiny_model)]) == 2
    assert main(["run", str(src), "--model", str(tmp_path)]) == 2
    assert "no model" in capsys.readouterr().err


def test_shipped_model_leaves_non_english_text_essentially_unchanged():
    import difflib

    from restore.spec import default_model_dir

    lines = [
        "Die Regierung hat am Montag ein neues Gesetz zur Wohnungspolitik vorgestellt.",
        "Le gouvernement a présenté lundi un nouveau projet de loi sur le logement.",
        "El gobierno presentó el lunes un nuevo proyecto de ley sobre la vivienda.",
        "政府は月曜日に新しい住宅法案を発表した。",
    ]
    out = Restorer.from_pretrained(default_model_dir()).restore(lines)
    for line, restored in zip(lines, out):
        assert difflib.SequenceMatcher(a=line, b=restored).ratio() >= 0.9, (line, restored)


def test_known_words_load_with_the_model_and_can_be_written_later(tiny_model, tmp_path, capsys):
    import shutil

    from restore import known_words
    from restore.cli import main
    from restore.pairs import load_pairs

    originals = load_pairs(tiny_model.parent / "pairs")["train"]["original"]
    assert Restorer.from_pretrained(tiny_model).known_words == known_words.collect(originals)
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    (model / known_words.FILE).unlink()
    assert Restorer.from_pretrained(model).known_words is None  # an older model folder: no check
    assert main(["known-words", str(model), "--pairs", str(tiny_model.parent / "pairs")]) == 0
    assert Restorer.from_pretrained(model).known_words == known_words.collect(originals)
    assert main(["known-words", str(tmp_path / "nowhere"), "--pairs", str(tiny_model.parent / "pairs")]) == 2
    assert "not a model folder" in capsys.readouterr().err
