"""Tests for restore.corpus: reading, prose filter, sentences, dedup, splits."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from conftest import FIXTURES
from helpers import follows

from restore.corpus import (
    Deduper,
    clean_document,
    dedup_documents,
    dedup_sentences,
    is_prose,
    read_documents,
    split_of,
    split_sentences,
)

NEWS = FIXTURES / "corpus" / "news.jsonl"
NOTES = FIXTURES / "corpus" / "notes.txt"
LINES = FIXTURES / "lines.txt"


# ----------------------------------------------------------------------------- prose filter


@pytest.mark.parametrize(
    "line",
    [
        "Shr 53 cts vs 42 cts",
        "Net 1.2 mln vs 900,000",
        "Revs 12.3 mln vs 10.1 mln",
        "Avg shrs 11.9 mln vs 10.0 mln",
        "United States 11,200 (13,400), EC 4,700 (5,100).",
        "1986/87 1985/86",
        "TOTAL 14.7 16.0 15.8 12.1",
        "THE STATE OF THE UNION AND THE ECONOMY",
        "Nine mths",
    ],
)
def test_is_prose_drops_tables_and_headings(line):
    assert not is_prose(line)


@pytest.mark.parametrize(
    "line",
    [
        "The town council voted on Tuesday to rebuild the old library near the river.",
        "Quarterly profits at the firm jumped 76% to $1.13bn (£600m) for the three months to December.",
        "Mr. Hale said the U.S. plan would cost about 4.5 mln dlrs over two years.",
        # a run of three figures is fine inside a long paragraph of prose
        "Net profit was $186m (£98m; 143m euros) in the quarter, compared with $1.13bn in the same "
        "period a year earlier, the company said on Monday. Analysts had expected a smaller fall in "
        "earnings because orders for its planes had been strong for most of the year.",
    ],
)
def test_is_prose_keeps_prose(line):
    assert is_prose(line)


def test_clean_document_drops_table_doc_and_table_lines():
    docs = {d["doc_id"]: d for d in read_documents(NEWS)}
    assert clean_document(docs["news:n3"]) is None  # earnings table
    assert clean_document(docs["news:n6"]) is None  # prose, but under 60 words
    assert clean_document(docs["news:n6"], min_doc_words=10) is not None
    mixed = clean_document(docs["news:n5"])
    assert mixed is not None
    assert "vs" not in mixed["text"].split()
    assert "Harbor Shipping Co said" in mixed["text"]
    assert not mixed["text"].rstrip().endswith("REUTER")
    assert mixed["text"].count("\n") == 1  # two prose paragraphs left
    # without the prose filter the table lines stay
    assert "Shr 22 cts vs 18 cts" in clean_document(docs["news:n5"], prose_filter=False)["text"]


def test_prose_filter_on_reuters(shared_dir):
    """On real Reuters-21578 the filter drops earnings tables and keeps most news prose."""
    path = shared_dir / "data" / "corpus" / "reuters21578.jsonl"
    table_line = re.compile(r"^(Shr|Net|Revs|Sales|Avg shrs)\b.*\bvs\b")
    read = kept = 0
    for doc in read_documents(path):
        read += 1
        clean = clean_document(doc)
        if clean is None:
            continue
        kept += 1
        bad = [p for p in clean["text"].split("\n") if table_line.match(p) and len(p.split()) < 20]
        assert not bad, (doc["doc_id"], bad)
        if read == 1500:
            break
    assert 0.5 < kept / read < 0.85, (kept, read)  # about a third are tables or too short


# ----------------------------------------------------------------------------- reading


def test_read_jsonl_fields_and_ids():
    docs = list(read_documents({"path": str(NEWS), "field": "text", "title_field": "title"}))
    assert [d["doc_id"] for d in docs] == [f"news:n{i}" for i in range(1, 7)]
    assert docs[0]["title"] == "Council backs new library"
    assert docs[0]["text"].startswith("The town council voted")
    assert docs[0]["source"] == str(NEWS)


def test_read_jsonl_custom_fields(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(
        json.dumps({"key": 7, "body": "First para.\nSecond para."})
        + "\n\n"
        + json.dumps({"key": 8, "body": "Another."})
        + "\n"
    )
    docs = list(read_documents({"path": str(path), "field": "body", "id_field": "key"}))
    assert [(d["doc_id"], d["title"], d["text"]) for d in docs] == [
        ("mine:7", None, "First para.\nSecond para."),
        ("mine:8", None, "Another."),
    ]
    with pytest.raises(ValueError, match="mine.jsonl:1: no field 'text'"):
        list(read_documents({"path": str(path)}))


def test_read_text_blank_line_separated():
    docs = list(read_documents({"path": str(NOTES)}))
    assert [d["doc_id"] for d in docs] == ["notes:0", "notes:1"]
    assert docs[0]["text"].split("\n")[1].startswith("Power was cut")
    assert docs[1]["text"].startswith("The school choir")
    assert all(d["title"] is None for d in docs)


def test_read_text_one_doc_per_line_without_blank_lines():
    docs = list(read_documents(str(LINES)))
    assert len(docs) == 3
    assert docs[2]["text"] == "The ferry timetable changes on the first day of next month."


def test_read_text_edge_blank_lines(tmp_path):
    path = tmp_path / "edge.txt"
    path.write_text("\n\nfirst line\nsecond line\n\n\n")  # blank lines only at the ends
    assert [d["text"] for d in read_documents(path)] == ["first line", "second line"]
    path.write_text("\na\nb\n  \n\nc\n")
    assert [d["text"] for d in read_documents(path)] == ["a\nb", "c"]


def test_read_folder_and_glob_and_relative_paths():
    folder = list(read_documents({"path": "corpus"}, base_dir=FIXTURES))
    assert Counter(d["doc_id"].split(":")[0] for d in folder) == {"news": 6, "notes": 2}
    txt_only = list(read_documents({"path": "corpus/*.txt"}, base_dir=FIXTURES))
    assert {d["doc_id"] for d in txt_only} == {"notes:0", "notes:1"}


def test_missing_paths_raise_with_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.jsonl"):
        list(read_documents({"path": "nope.jsonl"}, base_dir=tmp_path))
    with pytest.raises(FileNotFoundError, match=r"\*\.zzz"):
        list(read_documents({"path": str(tmp_path / "*.zzz")}))


def test_hf_dataset_source(monkeypatch):
    import datasets

    def fake_load(given):
        assert (given["path"], given["split"]) == ("someone/news", "train")
        return [{"text": "One doc.", "headline": "H1"}, {"text": "Two doc.", "headline": None}]

    monkeypatch.setattr(datasets, "load_dataset", follows(datasets.load_dataset, fake_load))
    docs = list(read_documents({"hf_dataset": "someone/news", "split": "train", "title_field": "headline"}))
    assert [(d["doc_id"], d["title"], d["text"]) for d in docs] == [
        ("someone_news:0", "H1", "One doc."),
        ("someone_news:1", None, "Two doc."),
    ]

    def offline(*a, **kw):
        raise ConnectionError("no route to host")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(ValueError, match="someone/news.*network"):
        list(read_documents({"hf_dataset": "someone/news"}))


# ----------------------------------------------------------------------------- sentences


def test_split_sentences_abbreviations():
    assert split_sentences("Mr. Smith went to Washington. He said the U.S. plan was fine.") == [
        "Mr. Smith went to Washington.",
        "He said the U.S. plan was fine.",
    ]


def test_split_sentences_quotes_and_single_sentences():
    assert split_sentences('  "We will build it," she said. "It is time."  ') == [
        '"We will build it," she said.',
        '"It is time."',
    ]
    assert split_sentences("The .eu domain opened to companies in 2006") == [
        "The .eu domain opened to companies in 2006"
    ]
    assert split_sentences("   ") == []


def test_split_sentences_keeps_all_text():
    for doc in read_documents(NEWS):
        for para in doc["text"].split("\n"):
            sents = split_sentences(para)
            assert all(s == s.strip() and s for s in sents)
            assert "".join(sents).replace(" ", "") == para.replace(" ", "")


# ----------------------------------------------------------------------------- dedup


def test_dedup_sentences_normalises_case_and_space_and_keeps_first():
    seen = Deduper()
    first = dedup_sentences(["The cat sat.", "A dog ran.", "the  CAT sat."], seen)
    assert first == ["The cat sat.", "A dog ran."]
    assert dedup_sentences(["A DOG ran.", "New one."], seen) == ["New one."]


def test_dedup_documents_drops_exact_duplicates():
    cleaned = [c for c in map(clean_document, read_documents(NEWS)) if c]
    kept = [d["doc_id"] for d in dedup_documents(cleaned)]
    assert kept == ["news:n1", "news:n2", "news:n5"]  # n4 repeats n1 (other title, spacing)


# ----------------------------------------------------------------------------- splits


def test_split_of_is_deterministic_and_proportional():
    ids = [f"src:{i}" for i in range(4000)]
    splits = [split_of(i, 13, 0.1, 0.05) for i in ids]
    assert splits == [split_of(i, 13, 0.1, 0.05) for i in ids]
    counts = Counter(splits)
    assert 300 < counts["valid"] < 500 and 130 < counts["test"] < 270
    other_seed = [split_of(i, 14, 0.1, 0.05) for i in ids]
    assert other_seed != splits
    assert {split_of(i, 13, 0.0, 0.0) for i in ids} == {"train"}
    with pytest.raises(ValueError):
        split_of("x", 1, 0.7, 0.6)
