"""Edits, guards, confidences and the spun-ness score, with a scripted engine (exact
control of what the "model" says) so the expected answers can be worked out by hand."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.align import changed_spans, words
from restore.edits import apply_edits, sentence_edits
from restore.guards import guarded_edits, kept_edits
from restore.restorer import Restorer


class ScriptedEngine:
    """Returns scripted outputs; every output token has probability ``probs.get(word, 0.9)``."""
    max_input_tokens = 128

    def __init__(self, outputs: dict, probs: dict | None = None):
        self.outputs, self.probs = outputs, probs or {}
        self.generated, self.scored = [], []

    def generate(self, sentences):
        self.generated += sentences
        return [self.outputs.get(s, s) for s in sentences]

    def token_logprobs(self, sources, targets):
        self.scored += list(zip(sources, targets))
        out = []
        for t in targets:
            scores, pos = [], 0
            for w in t.split(" "):
                scores.append((pos, pos + len(w), math.log(self.probs.get(w, 0.9))))
                pos += len(w) + 1
            out.append(scores + [(len(t), len(t), math.log(0.99))])
        return out


def test_sentence_edits_spans_and_replacements():
    src = "The Home handed the invoice on Tuesday."
    out = "The House passed the bill on Tuesday."
    edits = sentence_edits(src, out)
    assert [(src[e.start:e.end], e.replacement) for e in edits] == [("Home handed", "House passed"),
                                                                    ("invoice", "bill")]
    assert apply_edits(src, edits) == out
    # deletion and insertion keep single spaces
    assert apply_edits("It was once going well.", sentence_edits("It was once going well.", "It was going well.")) \
        == "It was going well."
    assert apply_edits("He said it.", sentence_edits("He said it.", "He said that it.")) == "He said that it."


def test_alignment_does_not_anchor_on_a_word_across_a_rewritten_stretch():
    # difflib matches the last "could" of the source with the first of the output: seven
    # words replaced by one and six inserted, the negation in one edit and "not" in the other
    src = "Officers couldn't substantiate what number of households could be affected by the plan, he said."
    out = "Officials could not confirm how many families would be affected by the plan, he said."
    edits = sentence_edits(src, out)
    assert [(e.spun, e.replacement) for e in edits] == [
        ("Officers couldn't substantiate what number of households could",
         "Officials could not confirm how many families would")]
    assert guarded_edits(src, out) == edits  # one edit, negation on both sides: same facts
    # an unchanged word between two balanced changes stays an anchor
    assert changed_spans(words("instead of the pinnacle"), words("rather than the head")) == [(0, 2, 0, 2), (3, 4, 3, 4)]
    assert changed_spans(words("colleges , faculties"), words("schools , colleges")) == [(0, 3, 0, 3)]
    # a merge makes the change after an unchanged run longer, so that run is weighed again:
    # "a" kept between an insertion of 2 and a replacement of 5 is 7 word edits; all 6 by 6 is 6
    assert changed_spans("a a a b a b".split(), "b d a d d a".split()) == [(0, 6, 0, 6)]


def test_typography_and_spacing_of_the_input_survive():
    src = "He said “no”  twice, then left."
    out = 'He said "no" twice, then went.'
    edits = sentence_edits(src, out)
    assert [(e.spun, e.replacement) for e in edits] == [("left", "went")]
    assert apply_edits(src, edits) == "He said “no”  twice, then went."
    # a curly apostrophe inside a word is the same word as the model's straight one
    src = "Russia’s army said it’s fine."
    edits = sentence_edits(src, "Russia's army said it's good.")
    assert [(e.spun, e.replacement) for e in edits] == [("fine", "good")]
    assert apply_edits(src, edits) == "Russia’s army said it’s good."


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "House", "Home", "passed", "handed", ",", "bill", "“x”", "3.3", "."]),
                max_size=12),
       st.lists(st.sampled_from(["the", "House", "passed", "bill", ",", '"x"', "3.3", ".", "new"]), max_size=12))
def test_applied_edits_give_the_output_words(a, b):
    src, out = " ".join(a), " ".join(b)
    assert words(apply_edits(src, sentence_edits(src, out))) == words(out)


def test_guards_drop_only_the_edits_that_damage_numbers_or_urls():
    src = "The Home handed the invoice with 52 votes on 3 May."
    out = "The House passed the bill with 25 votes on 3 May."
    assert apply_edits(src, guarded_edits(src, out)) == "The House passed the bill with 52 votes on 3 May."
    # known spinner rewrites of numbers are fixes
    src = "A document printed final 12 months said 1000's of people live there."
    out = "A document published last year said thousands of people live there."
    assert apply_edits(src, guarded_edits(src, out)) == out
    assert guarded_edits(src, src.replace("1000's", "100's")) == []  # words, never another number
    src = "Visit https://example.org/a-b now."
    assert guarded_edits(src, "Visit https://example.org/a now.") == []
    assert guarded_edits(src, "") == []


def test_guards_drop_edits_of_punctuation_alone():
    src = "Officers stated it... would rise , then fell."
    out = "Officials said it.... would rise then fell!"
    kept = guarded_edits(src, out)
    assert [(e.spun, e.replacement) for e in kept] == [("Officers stated", "Officials said")]
    assert apply_edits(src, kept) == "Officials said it... would rise , then fell."
    # punctuation inside a word edit goes with it
    src = "The U.S officers left."
    assert apply_edits(src, guarded_edits(src, "The U.S. officials left.")) == "The U.S. officials left."


def test_guards_drop_deletions_of_names_and_of_long_spans():
    # a spinner's inserted word may go ("brand new" -> "new", "in fact" -> "")
    src = "The council backed the brand new plan, in fact, on Monday."
    out = "The council backed the new plan, on Monday."
    assert apply_edits(src, guarded_edits(src, out)) == out
    # a name, or more than two words, is text the model dropped
    src = "Officers said Mo Farah possibly won the race the deal raised will probably be good."
    out = "Officials said Farah won the race the deal good."
    kept = [(e.spun, e.replacement) for e in guarded_edits(src, out)]
    assert ("Officers", "Officials") in kept and ("possibly ", "") in kept
    assert not any("Mo" in a or "probably" in a for a, _ in kept)
    assert apply_edits(src, guarded_edits(src, out)).startswith("Officials said Mo Farah won the race the deal raised")


def test_guards_drop_edits_that_coordinate_a_word_with_itself():
    # the model copies a neighbour instead of deleting the spinner's "and products"
    src = "The council was chopping services and products, officers stated."
    out = "The council was cutting services and services, officials said."
    assert apply_edits(src, guarded_edits(src, out)) == "The council was cutting services and products, officials said."
    src = "Trade or commerce grew."  # any case, "or" too
    assert guarded_edits(src, "Trade or trade grew.") == []
    # idioms and comparatives that double a word are restorations like any other
    for src, out in [("Costs grew extra and more.", "Costs grew more and more."),
                     ("He said it again and once more.", "He said it again and again."),
                     ("Prices rose larger and bigger.", "Prices rose bigger and bigger.")]:
        assert apply_edits(src, guarded_edits(src, out)) == out
    # a pair the spun text already had is not the edit's doing
    src = "Officers stated that more and more people left."
    out = "Officials said that more and more people left."
    assert apply_edits(src, guarded_edits(src, out)) == out


def test_restore_with_edits_offsets_confidence_and_threshold():
    text = "First line stays.\n\nThe Home handed the invoice.  Officers mentioned it."
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill.",
                             "Officers mentioned it.": "Officers said it."},
                            probs={"House": 0.8, "passed": 0.95, "bill.": 0.3, "said": 0.6})
    r = Restorer(engine)
    restored, edits = r.restore_with_edits(text)
    assert restored == "First line stays.\n\nThe House passed the bill.  Officers said it."
    assert [(text[e.start:e.end], e.spun, e.replacement) for e in edits] == [
        ("Home handed", "Home handed", "House passed"), ("invoice", "invoice", "bill"),
        ("mentioned", "mentioned", "said")]
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
    engine = ScriptedEngine({'Officers... the Home handed the invoice "now".':
                             'Officers.... the House passed the bill "now".'},
                            probs={"House": 0.8, "passed": 0.95, "bill": 0.3})
    restored, edits = Restorer(engine).restore_with_edits(text)
    assert engine.generated == ['Officers... the Home handed the invoice "now".']
    assert restored == "Officers… the House passed the bill “now”."
    assert [(text[e.start:e.end], e.replacement) for e in edits] == [("Home handed", "House passed"),
                                                                      ("invoice", "bill")]
    # scored as read, with the token spans mapped back past the "…": each edit gets its own word's
    assert engine.scored == [('Officers... the Home handed the invoice "now".',
                              'Officers... the House passed the bill "now".')]
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
    engine = ScriptedEngine({"Officers mentioned it.": "Officers said it.",
                             "The Home handed the invoice.": "The House handed the bill."},
                            probs={"said": 0.8, "House": 0.8, "bill.": 0.7})
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
    assert Restorer(engine, 0.5, lone_edit_confidence=0.9).restore(text) == "Officers said it. The House handed the bill."
    # the gate is a no-op at or below min_confidence
    assert kept_edits(edits, 0.5, 0.5) == kept_edits(edits, 0.5, 0.0) == edits


def test_spun_score_sentence_and_document():
    text = "Clean words here.  The Home handed the invoice."
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill."},
                            probs={"House": 0.5, "passed": 0.5, "bill.": 1.0})
    score = Restorer(engine).spun_score(text)
    # sentence 2 has 6 words (with the full stop): edits of 2 words at 0.5 and 1 word at 1.0
    assert [round(s, 3) for *_, s in score.sentences] == [0.0, round(2 / 6, 3)]
    assert score.sentences[1][:2] == (19, len(text))
    assert math.isclose(score.score, 2 / 10)  # 4 + 6 words
    assert Restorer(ScriptedEngine({})).spun_score(text).score == 0.0


def test_document_gate_leaves_texts_that_look_clean_alone():
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill.",
                             "Officers said it was a fine day.": "Officers said it was a good day."},
                            probs={"good": 0.8})
    spun, clean = "The Home handed the invoice.", "Officers said it was a fine day."
    proposals = Restorer(engine).propose([spun, clean])
    # spun: House passed + bill at 0.9 over 6 words (0.45); clean: one word at 0.8 over 8 (0.1)
    assert [round(p.spun_score, 3) for p in proposals] == [0.45, 0.1]
    gated = Restorer(engine, min_spun_score=0.2)
    assert gated.thresholds.min_spun_score == 0.2
    assert gated.restore([spun, clean]) == ["The House passed the bill.", clean]
    assert gated.restore(clean) == clean and gated.restore_with_edits(clean) == (clean, [])
    # read as one document the two pool their words: (2.7 + 0.8) / 14 = 0.25, both restored
    assert gated.restore([spun, clean], one_document=True) == ["The House passed the bill.",
                                                               "Officers said it was a good day."]
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


def test_guard_refuses_edits_that_change_a_fact():
    src = ("The deal would create the world's biggest bank with assets of about 189 trillion yen "
           "($1.8 trillion), officials in the northwest said, and it is no longer isolated.")
    for wrong in (src.replace("$1.8 trillion", "$1.8 billion"),
                  src.replace("northwest", "north"),
                  src.replace("is no longer isolated", "is isolated"),
                  src.replace("189 trillion", "189 million")):
        assert apply_edits(src, guarded_edits(src, wrong)) == src
    # a word fix next to the facts is still made; the fact-changing one beside it is not
    out = src.replace("officials in", "officers in").replace("trillion yen", "billion yen")
    assert apply_edits(src, guarded_edits(src, out)) == src.replace("officials in", "officers in")


def test_guard_allows_spinner_forms_of_the_same_fact():
    src = "Prices rose 3.Three p.c. in the Nineties, 1000's said, and it is no longer open."
    out = "Prices rose 3.3 percent in the 1990s, thousands said, and it is not open."
    # "no longer" -> "not" loses that it was open before (issue 29): it stays
    assert apply_edits(src, guarded_edits(src, out)) == out.replace("is not open", "is no longer open")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["million", "billion", "trillion", "north", "south", "Monday", "March",
                        "never", "always", "third", "fourth", "percent", "points"]),
       st.sampled_from(["million", "billion", "trillion", "north", "south", "Monday", "March",
                        "never", "always", "third", "fourth", "percent", "points"]))
def test_guard_property_no_fact_swap_survives(a, b):
    from restore.facts import same_facts

    src = f"The Home handed the invoice on {a} after the vote."
    out = f"The House passed the bill on {b} after the vote."
    restored = apply_edits(src, guarded_edits(src, out))
    assert same_facts(restored, src)
    assert "House passed the bill" in restored


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
PLAIN = st.sampled_from(["the", "officials", "said", "on", "Tuesday", "3.3", "$2", "billion", "and",
                         "that", "“they", "left”", "(the", "plan)"])
GAPS = st.sampled_from([" ", " ", " ", "  ", "\u00a0", "\t", " \u200b"])
ENDS = st.sampled_from(["\n", "\r\n", "\n\n", "\n  "])
# a line: plain words with spun ones among them (at most one in three, as a spinner does)
LINE = st.lists(st.tuples(PLAIN, PLAIN, st.one_of(SPUN, PLAIN), GAPS, GAPS, GAPS), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(LINE, ENDS), min_size=1, max_size=6), st.booleans())
def test_restore_keeps_everything_outside_the_edits(lines, gated):
    import re as _re

    text = "".join("".join(a + g1 + b + g2 + c + g3 for a, b, c, g1, g2, g3 in words).rstrip() + "." + end
                   for words, end in lines)
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


# -- API input handling -------------------------------------------------------------------

def test_api_rejects_what_is_not_text_with_a_clear_error(monkeypatch):
    import restore.restorer as rr

    loads = []
    monkeypatch.setattr(rr, "_load", lambda path: loads.append(path) or Restorer(ScriptedEngine({})))
    for bad, word in ((None, "NoneType"), (b"text", "decode bytes"), ({"a": "b"}, "dict"), (["ok", 3], "int")):
        with pytest.raises(TypeError, match=word):
            rr.restore(bad)
    assert loads == []  # nothing loaded for a bad argument
    r = Restorer(ScriptedEngine({}))
    with pytest.raises(TypeError, match="bytes"):
        r.restore(b"x")
    assert r.restore(("a b c.", "d e f.")) == ["a b c.", "d e f."]


def test_thresholds_and_sizes_are_validated(tmp_path):
    for bad in (-0.1, 1.5, "0.5", True):
        with pytest.raises(ValueError, match="min_confidence"):
            Restorer(ScriptedEngine({}), min_confidence=bad)
        with pytest.raises(ValueError, match="lone_edit_confidence"):
            Restorer(ScriptedEngine({}), lone_edit_confidence=bad)
        with pytest.raises(ValueError, match="min_spun_score"):
            Restorer(ScriptedEngine({}), min_spun_score=bad)
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match="batch_size"):
            Restorer.from_pretrained(tmp_path, batch_size=bad)


def test_concurrent_first_calls_load_the_model_once(monkeypatch):
    import threading
    import time

    import restore.restorer as rr

    loads = []

    def slow_load(path):
        loads.append(path)
        time.sleep(0.2)
        return Restorer(ScriptedEngine({}))

    monkeypatch.setattr(rr, "_load", rr.lru_cache(maxsize=4)(slow_load))
    threads = [threading.Thread(target=rr.restore, args=("The Home.",)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == [None]


def test_apply_edits_takes_edits_in_any_order():
    from restore.edits import Edit

    text = "The Home handed the invoice."
    edits = [Edit(20, 27, "invoice", "bill", 1.0), Edit(4, 8, "Home", "House", 1.0), Edit(9, 15, "handed", "passed", 1.0)]
    assert apply_edits(text, edits) == "The House passed the bill."


def test_an_edits_confidence_can_be_computed_another_way():
    engine = ScriptedEngine({"The Home handed the invoice.": "The House passed the bill."},
                            probs={"House": 0.8, "passed": 0.5})
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


def _scripted_model_folder(tmp_path, name, settings):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (folder / "restore_config.json").write_text(__import__("json").dumps(settings))
    return folder


def test_from_pretrained_uses_the_models_own_thresholds_and_restore_uses_the_model_given(tmp_path, monkeypatch):
    import restore.engines as engines
    import restore.restorer as rr

    a = _scripted_model_folder(tmp_path, "a", {"min_confidence": 0.6, "lone_edit_confidence": 0.97,
                                               "min_spun_score": 0.05})
    b = _scripted_model_folder(tmp_path, "b", {})
    outputs = {str(a): {"The Home handed it.": "The House handed it."},
               str(b): {"The Home handed it.": "The Dwelling handed it."}}
    monkeypatch.setattr(engines, "load_engine", lambda path, *args, **kw: ScriptedEngine(outputs[str(path)]))
    r = Restorer.from_pretrained(a)
    assert (r.min_confidence, r.lone_edit_confidence, r.min_spun_score) == (0.6, 0.97, 0.05)
    assert Restorer.from_pretrained(a, lone_edit_confidence=0.5).lone_edit_confidence == 0.5
    assert Restorer.from_pretrained(a, min_spun_score=0).min_spun_score == 0.0
    # a lone edit at 0.9 is below the model's own 0.97: not applied; model b has no gate
    assert rr.restore("The Home handed it.", model=a) == "The Home handed it."
    assert rr.restore("The Home handed it.", model=b) == "The Dwelling handed it."
