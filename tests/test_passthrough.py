"""Records pass through as they were, except the field written (issue 29, items 3, 5, 6 and
the Parquet part of 10): JSONL lines byte for byte (duplicate keys, ``1e400``, escapes,
number spellings, spacing, CRLF, non-ASCII), Parquet schema metadata (a pandas index,
custom keys) and dictionary-encoded text; a field or column that ``--output-field`` or
``--show-edits`` would overwrite is an error, never overwritten.

No trained model: a scripted restorer (the `model` fixture of conftest.py)."""

from __future__ import annotations

import json

import pytest
from helpers import FIXED, SPUN, ScriptedEngine, restore_run, write

from restore import batch
from restore.formats.jsonl import splice_record
from restore.restorer import Restorer

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

CAFE_SPUN, CAFE_FIXED = "The Home handed the café invoice.", "The House passed the café bill."


def scripted() -> Restorer:
    return Restorer(ScriptedEngine({SPUN: FIXED, CAFE_SPUN: CAFE_FIXED}))


def restore_jsonl(tmp_path, data: bytes, **options) -> bytes:
    src = write(tmp_path / "in" / "d.jsonl", data)
    summary = batch.run_jobs(
        scripted(), batch.collect_jobs([str(src)]), tmp_path / "out.jsonl", False, batch.Options(**options), warn=print
    )
    assert summary.failed == [], summary.failed
    return (tmp_path / "out.jsonl").read_bytes()


# ----------------------------------------------------------------------------- 6: JSONL byte for byte

# each line with "SPUN" where the spun text goes; the output is the same line with FIXED there
LINES = [
    '{"text": "SPUN", "id": 1, "id": 2}',  # duplicate keys (another field)
    '{"text": "first", "text": "SPUN"}',  # duplicate of the field: the last is read
    '{"big": 1e400, "n": 1.0, "m": 1E5, "z": -0.0, "e": 2.50e-3, "text": "SPUN"}',  # number spellings
    '{"esc": "caf\\u00e9 \\/ \\"q\\" \\t", "text": "SPUN", "tail": [1, {"k": null}]}',  # escapes elsewhere
    '{"t":"é","text":"SPUN","u":"\\ud83d\\ude00"}',  # compact, non-ASCII, surrogate pair
    '  { "text" : "SPUN" , "x" : [ 1 , 2 ] }  ',  # spacing, outside too
    '{"note": "\\udfff", "text": "SPUN"}',  # a lone surrogate in another field
]


def test_jsonl_records_pass_through_byte_for_byte_but_the_field(tmp_path):
    endings = ["\n", "\r\n", "\n", "\r\n", "\n", "\n", "\r\n"]
    data = "".join(line + ending for line, ending in zip(LINES, endings)) + '{"text": "SPUN"}'  # no final newline
    data = data.replace("SPUN", SPUN)
    out = restore_jsonl(tmp_path, data.encode())
    assert out == data.replace(SPUN, FIXED).encode()
    # first of the duplicate "text" keys kept, the one JSON readers take restored
    assert b'{"text": "first", "text": "' + FIXED.encode() + b'"}\r\n' in out


def test_unchanged_records_are_byte_identical_and_non_ascii_is_not_escaped(tmp_path):
    clean = '{"text": "Caf\\u00e9 text, unchanged.", "n": 1.50}\n'  # the restorer changes nothing here
    spun = json.dumps({"text": CAFE_SPUN}, ensure_ascii=False) + "\n"
    out = restore_jsonl(tmp_path, (clean + spun).encode()).decode()
    assert out == clean + json.dumps({"text": CAFE_FIXED}, ensure_ascii=False) + "\n"
    assert "café bill" in out and "\\u" not in out.splitlines()[1]


def test_a_new_field_and_edits_are_added_in_the_records_own_style(tmp_path):
    data = ('{"id": 1, "text": "SPUN"}\n{"id":2,"text":"SPUN","big":1e400}\r\n{"text": "SPUN"}\n').replace("SPUN", SPUN)
    out = restore_jsonl(tmp_path, data.encode(), output_field="restored").decode()
    f = json.dumps(FIXED)
    assert out.split("\n") == [
        f'{{"id": 1, "text": {json.dumps(SPUN)}, "restored": {f}}}',
        f'{{"id":2,"text":{json.dumps(SPUN)},"big":1e400,"restored":{f}}}\r',
        f'{{"text": {json.dumps(SPUN)}, "restored": {f}}}',
        "",
    ]
    out = restore_jsonl(tmp_path, data.encode(), show_edits=True).decode().split("\n")
    assert out[1].startswith(f'{{"id":2,"text":{f},"big":1e400,"text_edits":[{{"start": 4,')
    records = [json.loads(line.replace("1e400", "1")) for line in out if line]
    assert [(e["spun"], e["replacement"]) for e in records[0]["text_edits"]] == [
        ("Home handed", "House passed"),
        ("invoice", "bill"),
    ]


def test_splice_record_keeps_every_other_byte():
    body = ' {"a" :1e400 ,"text":"x\\u00e9","a":  [1.0, "\\n"]} '
    assert splice_record(body, "text", "xé", "y", "text") == ' {"a" :1e400 ,"text":"y","a":  [1.0, "\\n"]} '
    assert splice_record(body, "text", "xé", "xé", "text") == body  # unchanged: its escapes too
    assert (
        splice_record(body, "text", "xé", "yé", "new")
        == ' {"a" :1e400 ,"text":"x\\u00e9","a":  [1.0, "\\n"],"new":"yé"} '
    )  # the separators of the last member


# ----------------------------------------------------------------------------- 3: never overwrite a field


def test_output_field_or_edits_that_exist_are_an_error_not_overwritten(model, tmp_path, capsys):
    src = write(tmp_path / "d.jsonl", json.dumps({"id": 7, "text": SPUN, "text_edits": "mine"}) + "\n")
    out = write(tmp_path / "out.jsonl", "earlier\n")
    for args, field, flag in (
        (["--output-field", "id"], "id", "--output-field"),
        (["--show-edits"], "text_edits", "--show-edits"),
    ):
        assert restore_run(model, src, "-o", out, *args) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert f"{src}:1: the record already has a field {field!r}, which {flag} would overwrite" in err
        assert out.read_text() == "earlier\n"
    # writing back to --field itself is what the default does: fine
    assert restore_run(model, src, "-o", out, "--output-field", "text") == 0
    assert json.loads(out.read_text()) == {"id": 7, "text": FIXED, "text_edits": "mine"}
    # a record without the field is written unchanged as before, whatever it holds
    write(src, json.dumps({"id": 8, "body": "x"}) + "\n")
    assert restore_run(model, src, "-o", out, "--output-field", "id") == 1
    assert out.read_text() == json.dumps({"id": 8, "body": "x"}) + "\n"


def test_parquet_columns_that_exist_are_an_error_not_overwritten(model, tmp_path, capsys):
    src = tmp_path / "d.parquet"
    pq.write_table(pa.table({"id": [1], "text": [SPUN], "restored_edits": ["mine"]}), src)
    for args, column in (
        (["--output-field", "id"], "id"),
        (["--output-field", "restored", "--show-edits"], "restored_edits"),
    ):
        assert restore_run(model, src, "-o", tmp_path / "out.parquet", *args) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and f"the file already has a column {column!r}" in err
        assert not (tmp_path / "out.parquet").exists()


# ----------------------------------------------------------------------------- 5, 10: Parquet


def pandas_parquet(path, frame, **metadata) -> None:
    table = pa.Table.from_pandas(frame)
    table = table.replace_schema_metadata({**table.schema.metadata, **metadata})
    pq.write_table(table, path)


def test_parquet_schema_metadata_and_pandas_index_are_kept(model, tmp_path):
    frame = pd.DataFrame({"text": [SPUN, "Clean.", None], "n": [1, 2, 3]}, index=pd.Index(["a", "b", "c"], name="key"))
    src = tmp_path / "d.parquet"
    pandas_parquet(src, frame, source=b"crawl-7")
    for args, column in (([], "text"), (["--output-field", "restored", "--show-edits"], "restored")):
        out = tmp_path / f"out-{column}.parquet"
        assert restore_run(model, src, "-o", out, *args) == 1  # the null row is reported
        table = pq.read_table(out)
        assert table.schema.metadata[b"source"] == b"crawl-7"
        assert table.schema.metadata[b"pandas"] == pq.read_table(src).schema.metadata[b"pandas"]
        back = table.to_pandas()
        assert list(back.index) == ["a", "b", "c"] and back.index.name == "key"  # an index, not a column
        assert "key" not in back.columns and list(back["n"]) == [1, 2, 3]
        assert list(back[column])[:2] == [FIXED, "Clean."]
    assert list(back["text"])[:2] == [SPUN, "Clean."]


def test_parquet_field_metadata_and_types_are_kept(tmp_path):
    schema = pa.schema(
        [pa.field("text", pa.large_string(), metadata={b"lang": b"en"}), pa.field("n", pa.int32(), nullable=False)],
        metadata={b"k": b"v"},
    )
    src = tmp_path / "in" / "d.parquet"
    src.parent.mkdir()
    pq.write_table(pa.table({"text": [SPUN, "x"], "n": [1, 2]}, schema=schema), src)
    summary = batch.run_jobs(
        scripted(), batch.collect_jobs([str(src)]), tmp_path / "out.parquet", False, batch.Options(), warn=print
    )
    assert summary.failed == []
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.equals(schema, check_metadata=True)
    assert table.column("text").to_pylist() == [FIXED, "x"]


def test_parquet_dictionary_encoded_text_is_restored(model, tmp_path):
    frame = pd.DataFrame({"text": pd.Categorical([SPUN, "Clean.", SPUN] * 100), "n": range(300)})
    src = tmp_path / "d.parquet"
    pandas_parquet(src, frame)
    out = tmp_path / "out.parquet"
    assert restore_run(model, src, "-o", out) == 0
    table = pq.read_table(out)
    assert pa.types.is_dictionary(table.schema.field("text").type)
    back = table.to_pandas()
    assert isinstance(back["text"].dtype, pd.CategoricalDtype)
    assert list(back["text"]) == [FIXED, "Clean.", FIXED] * 100 and list(back["n"]) == list(range(300))
    # a dictionary of numbers is still not text
    pq.write_table(pa.table({"text": pa.array([1, 2, 1]).dictionary_encode()}), src)
    assert restore_run(model, src, "-o", out) == 2
