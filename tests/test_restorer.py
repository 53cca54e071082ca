"""Segmentation that never loses text, the Restorer API and `restore run` on a tiny model."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from restore.cli import main
from restore.restorer import Restorer
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
    assert check(spun, "The House passed the bill on Tuesday after a long debate.") == \
        "The House passed the bill on Tuesday after a long debate."


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


def test_min_confidence_defaults_to_the_models_recommendation(tiny_model, tmp_path):
    import shutil

    assert Restorer.from_pretrained(tiny_model).min_confidence == 0.0  # no restore_config.json
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    (model / "restore_config.json").write_text(json.dumps({"min_confidence": 0.7}))
    assert Restorer.from_pretrained(model).min_confidence == 0.7
    assert Restorer.from_pretrained(model, min_confidence=0.2).min_confidence == 0.2


def test_shipped_model_leaves_non_english_text_essentially_unchanged():
    import difflib

    from restore.restorer import default_model_dir

    lines = ["Die Regierung hat am Montag ein neues Gesetz zur Wohnungspolitik vorgestellt.",
             "Le gouvernement a présenté lundi un nouveau projet de loi sur le logement.",
             "El gobierno presentó el lunes un nuevo proyecto de ley sobre la vivienda.",
             "政府は月曜日に新しい住宅法案を発表した。"]
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


def test_the_packaged_model_loads_by_its_name(tmp_path, monkeypatch):
    """Restorer.from_pretrained("restore-small") finds the default model from any folder."""
    import pytest

    from restore.restorer import DEFAULT_MODEL_NAME, ModelNotFound, default_model_dir

    try:
        expected = default_model_dir()
    except ModelNotFound:
        pytest.skip("no default model installed or checked out")
    monkeypatch.chdir(tmp_path)  # no ./restore-small here
    by_name = Restorer.from_pretrained(DEFAULT_MODEL_NAME, engine="torch")
    by_path = Restorer.from_pretrained(expected, engine="torch")
    text = "The Home handed the invoice on Tuesday, officers stated."
    assert by_name.thresholds == by_path.thresholds and by_name.restore(text) == by_path.restore(text)
