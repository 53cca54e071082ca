"""The known-word guard: a restorer never writes a word that is neither in its model's
training targets nor in the input (a subword model can spell non-words)."""

import gzip

from helpers import ScriptedEngine

from restore import known_words
from restore.edits import apply_edits
from restore.guards import guarded_edits
from restore.restorer import Restorer

KNOWN = frozenset({"the", "minister", "said", "stated", "plan", "new", "brand", "ms", "spoke", "is"})


def test_word_keys_are_lower_case_letter_words_with_straight_apostrophes():
    assert known_words.word_keys("Ms Truss’s plan, 3rd in 2022: U.S. help") == {
        "ms",
        "truss's",
        "plan",
        "in",
        "u.s",
        "help",
    }


def test_save_and_load_round_trip_and_same_bytes(tmp_path):
    words = known_words.collect(["The minister stated it.", "A brand new plan"], known=["extra"])
    assert words == {"the", "minister", "stated", "it", "a", "brand", "new", "plan", "extra"}
    path = known_words.save(tmp_path, words)
    assert known_words.load(tmp_path) == words
    first = path.read_bytes()
    known_words.save(tmp_path, set(reversed(sorted(words))))
    assert path.read_bytes() == first
    assert gzip.decompress(first).decode().splitlines() == sorted(words)
    assert known_words.load(tmp_path / "missing") is None


def test_invented_words_are_those_neither_known_nor_in_the_source():
    assert known_words.invented("Trus", "Ms Truss spoke.", KNOWN) == ["trus"]
    assert known_words.invented("Truss", "Ms Truss spoke.", KNOWN) == []  # the input's own word
    assert known_words.invented("said", "She stated it.", KNOWN) == []
    assert known_words.invented("Zork 12", "x", None) == []  # no list: nothing checked
    assert known_words.invented("12.5", "x", KNOWN) == []  # numbers are the number guards' business


def test_guarded_edits_drop_only_the_edits_that_invent_a_word():
    src = "The minister stated that Ms Truss has a brand new plan."
    out = "The minister said that Ms Trus has a new plan."
    kept = guarded_edits(src, out, KNOWN)
    assert [(e.spun, e.replacement) for e in kept] == [("stated", "said"), ("brand ", "")]
    assert apply_edits(src, kept) == "The minister said that Ms Truss has a new plan."
    # without a list the invented common word would stay; the name respelt (Truss -> Trus)
    # is refused by the name guard whatever the list (restore.guards)
    assert len(guarded_edits(src, out)) == 2
    assert len(guarded_edits(src, out.replace("new plan", "new plann"))) == 3
    # adjacent changes are one edit: it goes whole when it invents a word
    assert guarded_edits("Ms Truss stated it.", "Ms Trus said it.", KNOWN) == []


def test_restorer_applies_the_models_list():
    # a common word invented (plan -> plann): the model's list drops it; a name respelt
    # (Truss -> Trusss) is dropped by the name guard with or without the list
    src = "Ms Truss spoke and stated the plan."
    engine = ScriptedEngine({src: "Ms Trusss spoke and said the plann."})
    guarded = Restorer(engine, known_words=KNOWN | {"the"})
    assert guarded.restore(src) == "Ms Truss spoke and said the plan."
    assert Restorer(engine).restore(src) == "Ms Truss spoke and said the plann."
