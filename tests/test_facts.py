"""Fact signatures: what the spinner may not swap and the restorer may not edit."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.facts import may_state_facts, same_facts, signature


@pytest.mark.parametrize(
    "a, b",
    [
        ("$2.2 trillion", "$2.2 billion"),
        ("15 billion", "15 million"),
        ("hundreds", "thousands"),
        ("northwest", "north"),
        ("north", "south"),
        ("is not isolated", "is isolated"),
        ("never", "always"),
        ("couldn't", "could"),
        ("Monday", "Tuesday"),
        ("March", "April"),
        ("3.3", "3.5"),
        ("third", "fourth"),
        ("percent", "points"),
        ("1990s", "1980s"),
        ("two", "three"),
        ("half", "part"),
    ],
)
def test_different_facts(a, b):
    assert not same_facts(a, b)
    assert not same_facts(b, a)


@pytest.mark.parametrize(
    "spun, original",
    [
        ("3.Three", "3.3"),  # a spinner spelled out a digit
        ("$2.Four billion", "$2.4 billion"),
        ("1000's", "thousands"),
        ("Nineties", "1990s"),
        ("12 months", "year"),
        ("final 12 months", "last year"),
        ("p.c.", "percent"),
        ("per cent", "%"),
        ("3rd", "third"),
        ("is no longer", "is not"),  # the polarity stays: negation, not its wording
        ("by no means", "never"),
        ("could not", "couldn't"),
        ("northern", "north"),
        ("Home", "House"),  # no fact on either side
        ("two times", "twice"),
    ],
)
def test_same_facts(spun, original):
    assert same_facts(spun, original)


def test_signature_counts_numbers_and_magnitudes():
    sig = signature("about 189 trillion yen ($1.8 trillion)")
    assert sig["189"] == 1 and sig["1.8"] == 1 and sig["mag:trillion"] == 2 and sig["cur:$"] == 1


WORDS = st.sampled_from("the house passed bill on said people home new a of in and".split())
FACT = st.sampled_from(
    ["million", "billion", "3", "4.5", "north", "south", "not", "Monday", "third", "percent", "1990s", "twenty"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=8), FACT, FACT, st.lists(WORDS, max_size=8))
def test_swapping_one_fact_for_another_is_caught(left, a, b, right):
    text_a = " ".join(left + [a] + right)
    text_b = " ".join(left + [b] + right)
    assert same_facts(text_a, text_b) == (signature(a) == signature(b))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_may_state_facts_is_never_wrong_when_false(text):
    if not may_state_facts(text):
        assert not signature(text)
