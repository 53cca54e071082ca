"""Segmentation that never loses text (restore.segment): sentences and the layout between
them, long sentences cut into pieces, and merged overlong sentences cut again."""

from hypothesis import given, settings
from hypothesis import strategies as st

from restore.segment import segments, split_long


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,!?\n\r\t\"'’“”-3A")), max_size=120))
def test_segments_reassemble_byte_for_byte(text):
    chunks = segments(text)
    assert "".join(c for _, c in chunks) == text
    for is_sent, chunk in chunks:
        if is_sent:
            assert chunk == chunk.strip() and chunk and "\n" not in chunk and "\r" not in chunk


def test_segments_find_sentences_and_keep_layout():
    text = "Mr. Smith said hi.  He left!\r\n\r\n- item one\n"
    chunks = segments(text)
    sents = [c for s, c in chunks if s]
    assert sents == ["Mr. Smith said hi.", "He left!", "- item one"]
    assert "".join(c for _, c in chunks) == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc ,;:")), max_size=400), st.integers(10, 60))
def test_split_long_pieces_concatenate(sentence, max_chars):
    pieces = split_long(sentence, max_chars)
    assert "".join(pieces) == sentence
    assert all(len(p) <= max_chars for p in pieces)


def test_a_merged_overlong_sentence_is_cut_again(monkeypatch):
    """The segmenter can merge thousands of characters after an unbalanced quote; such a
    'sentence' is cut at plain sentence ends, so a huge line is restored sentence by
    sentence as the same text line by line would be."""
    import restore.segment as seg

    sentences = [f"The Home handed bill number {i} to the board on Tuesday." for i in range(30)]
    body = '"' + " ".join(sentences)
    monkeypatch.setattr(seg, "split_sentences", lambda text: [text.strip()])  # one merged sentence
    chunks = seg.segments(body)
    assert "".join(c for _, c in chunks) == body
    found = [c for is_sent, c in chunks if is_sent]
    assert found == ['"' + sentences[0]] + sentences[1:]
    # initials and titles are not sentence ends
    long = " ".join(["Mr. J. Smith met Dr. Jones at St. Mary's and left."] * 20)
    monkeypatch.setattr(seg, "split_sentences", lambda text: [text.strip()])
    assert [c for s, c in seg.segments(long) if s] == ["Mr. J. Smith met Dr. Jones at St. Mary's and left."] * 20
