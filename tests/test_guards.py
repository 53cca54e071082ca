"""The guards (restore.guards): the edits they drop, because they damage numbers, URLs,
punctuation, names or facts, drop text, or coordinate a word with itself, and the spinner's
rewrites they let through. Then the last ways an edit got past them (issue 29, items 12 and
13): multi-word replacements that remove a sentence end, markup or several words; number
words inside compounds; "no longer"; names respelt or replaced by other names; "10 years" ->
"decade". Each pair is (input sentence, what a model proposed); the guard must leave the
input's facts and text as they were, and still let the spinner's swaps through."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.edits import Edit, apply_edits
from restore.facts import same_facts, signature
from restore.guards import changes_facts, changes_name, drops_text, guarded_edits


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
    for src, out in [
        ("Costs grew extra and more.", "Costs grew more and more."),
        ("He said it again and once more.", "He said it again and again."),
        ("Prices rose larger and bigger.", "Prices rose bigger and bigger."),
    ]:
        assert apply_edits(src, guarded_edits(src, out)) == out
    # a pair the spun text already had is not the edit's doing
    src = "Officers stated that more and more people left."
    out = "Officials said that more and more people left."
    assert apply_edits(src, guarded_edits(src, out)) == out


def test_guard_refuses_edits_that_change_a_fact():
    src = (
        "The deal would create the world's biggest bank with assets of about 189 trillion yen "
        "($1.8 trillion), officials in the northwest said, and it is no longer isolated."
    )
    for wrong in (
        src.replace("$1.8 trillion", "$1.8 billion"),
        src.replace("northwest", "north"),
        src.replace("is no longer isolated", "is isolated"),
        src.replace("189 trillion", "189 million"),
    ):
        assert apply_edits(src, guarded_edits(src, wrong)) == src
    # a word fix next to the facts is still made; the fact-changing one beside it is not
    out = src.replace("officials in", "officers in").replace("trillion yen", "billion yen")
    assert apply_edits(src, guarded_edits(src, out)) == src.replace("officials in", "officers in")


def test_guard_allows_spinner_forms_of_the_same_fact():
    src = "Prices rose 3.Three p.c. in the Nineties, 1000's said, and it is no longer open."
    out = "Prices rose 3.3 percent in the 1990s, thousands said, and it is not open."
    # "no longer" -> "not" loses that it was open before (issue 29): it stays
    assert apply_edits(src, guarded_edits(src, out)) == out.replace("is not open", "is no longer open")


# words that carry a fact (a magnitude, direction, day, month, negation, ordinal, unit)
FACT_WORDS = [
    "million",
    "billion",
    "trillion",
    "north",
    "south",
    "Monday",
    "March",
    "never",
    "always",
    "third",
    "fourth",
    "percent",
    "points",
]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(FACT_WORDS), st.sampled_from(FACT_WORDS))
def test_guard_property_no_fact_swap_survives(a, b):
    from restore.facts import same_facts

    src = f"The Home handed the invoice on {a} after the vote."
    out = f"The House passed the bill on {b} after the vote."
    restored = apply_edits(src, guarded_edits(src, out))
    assert same_facts(restored, src)
    assert "House passed the bill" in restored


def restored(source: str, output: str) -> str:
    return apply_edits(source, guarded_edits(source, output))


# ----------------------------------------------------------------------------- 12: removed text
@pytest.mark.parametrize(
    "source, output",
    [
        ("What’s that? It truly is a fine plan, officers stated.", "What is a fine plan, officials said."),
        ("The troops of the us of a. However genuinely it is over.", "The troops of the country it is over."),
        (
            "He lives in the Us Of A. He is fine, officers stated.",
            "He lives in the United States He is fine, officials said.",
        ),
        ("The U . S . is big, officers stated.", "The United States S . is big, officials said."),
        (
            "Pictures of Obamas and Bidens.jpg </gallery> were shown again and again today.",
            "Pictures of Obama were shown again and again today.",
        ),
        (
            "See [[Home Office]] for the details of the scheme today.",
            "See Home Office for the details of the scheme today.",
        ),
        (
            "The council backed the invoice</ref> on Monday, officers stated.",
            "The council backed the bill on Monday, officials said.",
        ),
        (
            "The council backed the <b>invoice on Monday, officers stated.",
            "The council backed the bill on Monday, officials said.",
        ),
        (
            "Officers stated the deal raised will probably be good for the town.",
            "Officials said the deal good for the town.",
        ),
    ],
)
def test_an_edit_that_removes_a_sentence_end_markup_or_words_is_dropped(source, output):
    out = restored(source, output)
    for kept in ("?", "</gallery>", "[[", "Us Of A.", "U .", "raised will probably", "</ref>", "<b>"):
        if kept in source:
            assert kept in out, (source, out)
    assert "However" not in source or "However" in out


def test_the_rule_reads_net_words_and_only_real_sentence_ends():
    after = " the town."
    assert drops_text(Edit(0, 0, "in the direction of", "towards", 1.0), after)  # 4 -> 1
    assert not drops_text(Edit(0, 0, "in keeping with", "according to", 1.0), after)  # 3 -> 2
    assert not drops_text(Edit(0, 0, "brand new", "new", 1.0), after)
    # markup alone, with no word lost: a tag, a wiki link, a table cell, an entity
    for spun in ("invoice</ref>", "<br/>invoice", "[[invoice", "invoice]]", "invoice |", "&amp; invoice"):
        assert drops_text(Edit(0, 0, spun, "bill", 1.0), after), spun
    # an abbreviation's full stop before a lower-case word is no sentence end
    assert not drops_text(Edit(0, 0, "U.S.", "US", 1.0), " officers stated it.")
    assert drops_text(Edit(0, 0, "U.S.", "US", 1.0), " Officers stated it.")
    assert drops_text(Edit(0, 0, "Us Of A.", "United States", 1.0), " He left.")
    assert not drops_text(Edit(0, 0, "Us Of A", "US", 1.0), ". He left.")
    # spinner swaps still pass
    assert (
        restored("The Home handed the invoice, officers stated.", "The House passed the bill, officials said.")
        == "The House passed the bill, officials said."
    )


# ----------------------------------------------------------------------------- 13: facts
@pytest.mark.parametrize(
    "source, output",
    [
        ("He was forty-five years old when he left.", "He was 40-five years old when he left."),
        ("Some twenty-three people came to the meeting.", "Some 20-3 people came to the meeting."),
        ("It cost fifty six pounds in the end.", "It cost 50 six pounds in the end."),
        ("It cost fifty six pounds in the end.", "It cost fifty 6 pounds in the end."),
        ("He is no longer the leader of the party.", "He is not the leader of the party."),
        ("He is not the leader of the party.", "He is no longer the leader of the party."),
        (
            "Prices will rise over the following 10 years, officers stated.",
            "Prices will rise over the next decade, officials said.",
        ),
        ("Officers stated 3 people had left.", "Officials said three people had left."),
        ("Officers stated 13 people had left.", "Officials said thirteen people had left."),
    ],
)
def test_a_fact_is_never_changed_numbers_never_become_words_or_go(source, output):
    out = restored(source, output)
    assert same_facts(source, out), (source, out)
    for number in ("forty-five", "twenty-three", "fifty six", "no longer", "10 years", " 3 ", "13"):
        if number in source:
            assert number in out, (source, out)


def test_number_words_inside_compounds_are_one_number():
    assert signature("forty-five") == signature("45") != signature("40-five")
    assert signature("fifty six") == signature("56") != signature("50 six")
    assert signature("twenty-one") == signature("21")
    assert signature("a forty-five-year-old man") == signature("a 45-year-old man")
    assert changes_facts("forty-five", Edit(0, 5, "forty", "40", 1.0))
    assert not changes_facts("forty people", Edit(0, 5, "forty", "40", 1.0))


@pytest.mark.parametrize(
    "source, output",
    [
        ("Mr Hussain has stated the scheme was good.", "Mr Husain has said the plan was good."),
        ("Lynn has stated the scheme was good.", "Lyn has said the plan was good."),
        ("They moved to Long Island, officers stated.", "They moved to New York, officials said."),
        ("Long Island is where officers stated it.", "New York is where officials said it."),
    ],
)
def test_a_name_is_not_respelt_or_changed_into_another(source, output):
    out = restored(source, output)
    for name in ("Hussain", "Lynn", "Long Island"):
        if name in source:
            assert name in out, (source, out)
    assert "said" in out  # the rest of the restoration is kept


def test_names_may_change_case_and_spun_words_around_them_are_restored():
    assert not changes_name("The Us troops", Edit(4, 6, "Us", "US", 1.0))
    assert restored("The Home Secretary stated it.", "The Home Secretary said it.") == "The Home Secretary said it."
    assert restored("Officers stated it.", "Officials said it.") == "Officials said it."
