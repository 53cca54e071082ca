"""Edits: the character spans of the input a model's output changes (restore.edits:
sentence_edits, the word alignment under it, apply_edits), worked out by hand."""

from hypothesis import given, settings
from hypothesis import strategies as st

from restore.align import changed_spans, words
from restore.edits import apply_edits, sentence_edits
from restore.guards import guarded_edits


def test_sentence_edits_spans_and_replacements():
    src = "The Home handed the invoice on Tuesday."
    out = "The House passed the bill on Tuesday."
    edits = sentence_edits(src, out)
    assert [(src[e.start : e.end], e.replacement) for e in edits] == [
        ("Home handed", "House passed"),
        ("invoice", "bill"),
    ]
    assert apply_edits(src, edits) == out
    # deletion and insertion keep single spaces
    assert (
        apply_edits("It was once going well.", sentence_edits("It was once going well.", "It was going well."))
        == "It was going well."
    )
    assert apply_edits("He said it.", sentence_edits("He said it.", "He said that it.")) == "He said that it."


def test_alignment_does_not_anchor_on_a_word_across_a_rewritten_stretch():
    # difflib matches the last "could" of the source with the first of the output: seven
    # words replaced by one and six inserted, the negation in one edit and "not" in the other
    src = "Officers couldn't substantiate what number of households could be affected by the plan, he said."
    out = "Officials could not confirm how many families would be affected by the plan, he said."
    edits = sentence_edits(src, out)
    assert [(e.spun, e.replacement) for e in edits] == [
        (
            "Officers couldn't substantiate what number of households could",
            "Officials could not confirm how many families would",
        )
    ]
    assert guarded_edits(src, out) == edits  # one edit, negation on both sides: same facts
    # an unchanged word between two balanced changes stays an anchor
    assert changed_spans(words("instead of the pinnacle"), words("rather than the head")) == [
        (0, 2, 0, 2),
        (3, 4, 3, 4),
    ]
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
@given(
    st.lists(
        st.sampled_from(["the", "House", "Home", "passed", "handed", ",", "bill", "“x”", "3.3", "."]), max_size=12
    ),
    st.lists(st.sampled_from(["the", "House", "passed", "bill", ",", '"x"', "3.3", ".", "new"]), max_size=12),
)
def test_applied_edits_give_the_output_words(a, b):
    src, out = " ".join(a), " ".join(b)
    assert words(apply_edits(src, sentence_edits(src, out))) == words(out)


def test_apply_edits_takes_edits_in_any_order():
    from restore.edits import Edit

    text = "The Home handed the invoice."
    edits = [
        Edit(20, 27, "invoice", "bill", 1.0),
        Edit(4, 8, "Home", "House", 1.0),
        Edit(9, 15, "handed", "passed", 1.0),
    ]
    assert apply_edits(text, edits) == "The House passed the bill."
