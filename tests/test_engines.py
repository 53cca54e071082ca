"""Decoding engines: CTranslate2 gives plain torch greedy output, its conversion cache,
the fallback to PyTorch, and ``restore run --engine``."""

import shutil
import sys

import pytest
from conftest import ROOT

from restore import engines
from restore.cli import main
from restore.engines import CT2Engine, Engine, Tokens, TorchEngine, ct2_convert, ct2_model_dir, load_engine
from restore.restorer import Restorer
from restore.segment import segments

pytest.importorskip("ctranslate2")

SHIPPED = ROOT / "models" / "restore-small"
TINY_SENTENCES = [
    "The council stated a plan.",
    "Officials mentioned it!",
    "Workers denied that prices would rise.",
    "The minister warned the vote was delayed on Monday.",
    "Ok.",
    "In 1987 it cost 3,700 dollars.",
    "The company reported thousands of jobs were at risk according to a report, officials said.",
    "naïve café 東京 😀 “quoted” — dash",
]

# news sentences spun by restore.spinner (seed 3)
SPUN = [
    "Shares in the bank fell acutely following it warned that profits would be take down than looked.",
    "The prime pastor said the brand new law would facilitate families struggling with rising energy bills.",
    "Man of sciences have revealed a new species of toad in the rainforests of northern Australia.",
    "The army plans to open air three brand new factories and hire more than 2,000 practitioners by 2025.",
    "Police mentioned the man was run in on Tuesday night and will appear in solicit later this calendar week.",
    "Farmers within the region tell the drought hour angles been the worst they have seen within decades.",
    "The central bank left interest rates unaltered, citing worries about slowing appreciation.",
    "Ticket sales for the festive occasion have already broken live on 12 months's record, personal digital "
    "assistants said.",
    "The write up got hold that most schools did no longer have enough teachers to cover basic studies.",
    "Oil prices climbed to their highest grade in six calendar months amid fears of provide shortages.",
    "The minister refused to refer to on reports that he was designing to relinquish.",
    "Doctors told that the nursing home could run out of loves if cases continued to raise.",
    "The team won the championship for the first time in its account following a spectacular concluding.",
    "Voters will move to the polls next moment to take a new city manager for the city.",
    "The museum said the painting had been missing for more xxx years.",
    "Psychoanalysts expect the merger to be approved by governors early next 12 months.",
    "Grave rain caused flooding in several towns, squeezing hundreds of residents to depart their homes.",
    "The study suggests that routine exercise can reduce the risk of coronary.",
    "Union seniors supposed workers would strike unless the reserves improved its pay offer.",
    "The airline cancelled lots of flights due to the fact of the storm.",
]


def plain_greedy(model_dir, sentences):
    """What the project measures against: HF ``model.generate``, greedy, fp32."""
    return TorchEngine.load(model_dir, batch_size=4).generate(sentences)


@pytest.fixture(scope="module")
def tiny_copy(tiny_model, tmp_path_factory):
    """A private copy of the tiny model (tests here write conversions into it)."""
    dest = tmp_path_factory.mktemp("engines") / "model"
    shutil.copytree(tiny_model, dest, ignore=shutil.ignore_patterns("ct2-*", ".ct2-*"))
    return dest


def test_ct2_gives_torch_greedy_output_on_the_tiny_model(tiny_copy, tmp_path):
    # an undertrained model: many outputs run to the length limit, which must match too
    ct2 = CT2Engine.load(tiny_copy, batch_size=4, cache_dir=tmp_path)
    torch_engine = TorchEngine.load(tiny_copy, batch_size=4)
    sentences = TINY_SENTENCES * 2 + [s.lower() for s in TINY_SENTENCES]
    expected = torch_engine.generate(sentences)
    assert ct2.generate(sentences) == expected
    # per-token scores: same tokens and spans, same log-probabilities
    targets = [s.replace("stated", "said") for s in sentences[:6]] + expected[:2]
    got, want = ct2.token_logprobs(sentences[:8], targets), torch_engine.token_logprobs(sentences[:8], targets)
    for g, w, target in zip(got, want, targets):
        assert [(s, e) for s, e, _ in g] == [(s, e) for s, e, _ in w]
        assert g[-1][:2] == (len(target), len(target))
        assert max(abs(a[2] - b[2]) for a, b in zip(g, w)) < 1e-3


@pytest.mark.skipif(not (SHIPPED / "config.json").is_file(), reason="no shipped model")
def test_ct2_gives_torch_greedy_output_on_the_shipped_model(tmp_path):
    text = (ROOT / "examples" / "spun.txt").read_text(encoding="utf-8")
    sentences = [c for line in text.splitlines() for is_sent, c in segments(line) if is_sent] + SPUN
    ct2 = CT2Engine.load(SHIPPED, cache_dir=tmp_path)  # not written into the repository
    out, expected = ct2.generate(sentences), plain_greedy(SHIPPED, sentences)
    # float rounding differs between the libraries: a near-tie may rarely flip a token
    same = sum(a == b for a, b in zip(out, expected))
    assert same >= len(sentences) - 1, [(a, b) for a, b in zip(out, expected) if a != b]
    # scores of the outputs just decoded come from the decoding itself (unless the output
    # re-tokenizes differently): still the same
    scored = []

    class Counting:
        def __getattr__(self, name):
            return getattr(translator, name)

        def score_batch(self, source, target, **kw):
            scored.extend(source)
            return translator.score_batch(source, target, **kw)

    translator, ct2.translator = ct2.translator, Counting()
    got = ct2.token_logprobs(sentences, out)
    assert len(scored) <= len(sentences) // 4
    want = TorchEngine.load(SHIPPED).token_logprobs(sentences, out)
    for g, w in zip(got, want):
        assert [(s, e) for s, e, _ in g] == [(s, e) for s, e, _ in w]
        assert max(abs(a[2] - b[2]) for a, b in zip(g, w)) < 1e-3


def test_tokens_match_the_hf_tokenizer(tiny_copy):
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(tiny_copy)
    fast = Tokens(tiny_copy)
    assert fast.hf is None  # the tokenizers library directly: no torch import on load
    texts = TINY_SENTENCES + ["  two  spaces\tand tab ", "x" * 400, "", "Ünïcödé ✓ 𝔘"]
    for (tokens, offsets), text in zip(fast.encode(texts, 32), texts):
        enc = hf(text, truncation=True, max_length=32, return_offsets_mapping=True)
        assert tokens == hf.convert_ids_to_tokens(enc["input_ids"])
        assert [tuple(o) for o in offsets] == [tuple(o) for o in enc["offset_mapping"]]
        assert fast.decode(tokens) == hf.decode(enc["input_ids"], skip_special_tokens=True)


def test_conversion_is_cached_and_redone_when_the_weights_change(tiny_copy, tmp_path, monkeypatch):
    from safetensors.torch import load_file, save_file

    model = tmp_path / "model"
    shutil.copytree(tiny_copy, model, ignore=shutil.ignore_patterns("ct2-*", ".ct2-*"))
    calls = []
    real_convert = ct2_convert._convert
    monkeypatch.setattr(ct2_convert, "_convert", lambda *a: (calls.append(a[1]), real_convert(*a))[1])

    first = ct2_model_dir(model)
    assert first == model / "ct2-float32" and (first / "model.bin").is_file() and len(calls) == 1
    before = (first / "model.bin").read_bytes()
    assert ct2_model_dir(model) == first and len(calls) == 1  # reused
    assert CT2Engine.load(model).generate(["Ok."]) and len(calls) == 1

    weights = load_file(model / "model.safetensors")
    name = next(k for k in weights if k.endswith("fc1.weight"))
    weights[name] = weights[name] * 2
    save_file(weights, model / "model.safetensors", metadata={"format": "pt"})
    assert ct2_model_dir(model) == first and len(calls) == 2  # converted again, in place
    assert (first / "model.bin").read_bytes() != before
    assert not [p for p in model.iterdir() if p.name.startswith(".ct2-")]  # no leftovers


def test_unwritable_model_folder_converts_into_the_user_cache(tiny_copy, tmp_path, monkeypatch):
    model = tmp_path / "model"
    shutil.copytree(tiny_copy, model, ignore=shutil.ignore_patterns("ct2-*", ".ct2-*"))
    monkeypatch.setenv("RESTORE_CACHE", str(tmp_path / "cache"))
    real_mkdtemp = ct2_convert.tempfile.mkdtemp

    def mkdtemp(*a, dir=None, **kw):
        if dir is not None and ct2_convert.Path(dir) == model:
            raise PermissionError(13, "Permission denied")
        return real_mkdtemp(*a, dir=dir, **kw)

    monkeypatch.setattr(ct2_convert.tempfile, "mkdtemp", mkdtemp)
    where = ct2_model_dir(model)
    assert where.parent == tmp_path / "cache" / "ct2" and (where / "model.bin").is_file()
    assert where.name.startswith(engines.conversion_key(model)[:24])
    assert not (model / "ct2-float32").exists()
    assert ct2_model_dir(model) == where


def fallback_messages(caplog) -> list[str]:
    """The engine-fallback warnings logged since the last call."""
    found = [r.getMessage() for r in caplog.records if r.name == "restore.engines"]
    caplog.clear()
    return found


def test_falls_back_to_torch_when_ctranslate2_is_missing_or_conversion_fails(tiny_copy, tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # import fails
    engine = load_engine(tiny_copy, "auto")
    assert isinstance(engine, TorchEngine)
    (message,) = fallback_messages(caplog)
    assert "ctranslate2 is not installed" in message and "\n" not in message
    monkeypatch.undo()

    model = tmp_path / "model"
    shutil.copytree(tiny_copy, model, ignore=shutil.ignore_patterns("ct2-*", ".ct2-*"))

    def broken(path):
        raise ValueError("unsupported architecture\nsecond line")

    monkeypatch.setattr(ct2_convert, "converter", broken)
    engine = load_engine(model, "ct2")
    assert isinstance(engine, TorchEngine)
    (message,) = fallback_messages(caplog)
    assert "ConversionError" in message and "unsupported architecture" in message and "\n" not in message
    assert not (model / "ct2-float32").exists()
    assert isinstance(load_engine(model, "torch"), TorchEngine) and fallback_messages(caplog) == []
    with pytest.raises(ValueError):
        load_engine(model, "onnx")


def test_the_fallback_warning_is_one_line_on_stderr_without_logging_set_up(tiny_copy):
    """What a command's user sees: the warning alone on stderr, as logged with no handlers."""
    import subprocess

    code = (
        "import sys; sys.modules['ctranslate2'] = None\n"
        "from restore.engines import load_engine\n"
        f"load_engine({str(tiny_copy)!r}, 'auto')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr == (
        "restore: ctranslate2 is not installed (pip install ctranslate2); using the slower PyTorch engine\n"
    )


def test_int8_engine_is_opt_in_and_falls_back_like_ct2(tiny_copy, monkeypatch, caplog):
    engine = load_engine(tiny_copy, "ct2-int8")
    assert isinstance(engine, CT2Engine) and engine.translator.compute_type.startswith("int8")
    assert (tiny_copy / "ct2-int8").is_dir()  # its own cached conversion beside float32's
    assert load_engine(tiny_copy, "auto").translator.compute_type == "float32"
    outputs = engine.generate(TINY_SENTENCES[:4])
    assert len(outputs) == 4 and all(isinstance(o, str) for o in outputs)
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    fallback = load_engine(tiny_copy, "ct2-int8")  # no compute_type leaks into torch
    assert isinstance(fallback, TorchEngine) and "PyTorch engine" in " ".join(fallback_messages(caplog))


def test_engines_satisfy_the_engine_contract(tiny_copy):
    """What the restorer calls on an engine (restore.engines.Engine), on both engines."""
    for name in ("ct2", "torch"):
        engine = load_engine(tiny_copy, name)
        assert isinstance(engine, Engine)
        (output,) = engine.generate(["The council stated a plan."])
        ((*_, logprob), *_) = engine.token_logprobs(["The council stated a plan."], [output])[0]
        assert logprob <= 0.0


def test_restorer_picks_the_engine(tiny_copy):
    assert Restorer.from_pretrained(tiny_copy).engine.name == "ct2"
    assert Restorer.from_pretrained(tiny_copy, engine="torch").engine.name == "torch"


def test_auto_engine_takes_the_models_recommended_precision(tiny_copy):
    """restore_config.json's compute_type is what "auto" decodes with; "ct2" stays float32
    and "torch" ignores it; an unknown precision is an error naming the file."""
    import json

    settings = tiny_copy / "restore_config.json"
    before = settings.read_text() if settings.is_file() else None
    assert Restorer.from_pretrained(tiny_copy).engine.compute_type == "float32"
    try:
        settings.write_text(json.dumps({**json.loads(before or "{}"), "compute_type": "int8"}))
        auto = Restorer.from_pretrained(tiny_copy)
        assert auto.engine.compute_type == "int8" and auto.engine.translator.compute_type.startswith("int8")
        assert Restorer.from_pretrained(tiny_copy, engine="ct2").engine.compute_type == "float32"
        assert Restorer.from_pretrained(tiny_copy, engine="torch").engine.name == "torch"
        int8 = Restorer.from_pretrained(tiny_copy, engine="ct2-int8")
        assert auto.restore(TINY_SENTENCES[:3]) == int8.restore(TINY_SENTENCES[:3])
        settings.write_text(json.dumps({**json.loads(before or "{}"), "compute_type": "int4"}))
        with pytest.raises(ValueError, match="restore_config.json: compute_type"):
            Restorer.from_pretrained(tiny_copy)
    finally:
        if before is None:
            settings.unlink()
        else:
            settings.write_text(before)


def test_run_engine_flag(tiny_copy, tmp_path, monkeypatch, caplog):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(TINY_SENTENCES) + "\n\nLast line")
    outputs = {}
    for name in ("torch", "ct2", "auto"):
        dest = tmp_path / f"{name}.txt"
        assert main(["run", str(src), "--model", str(tiny_copy), "--engine", name, "-o", str(dest)]) == 0
        outputs[name] = dest.read_text()
    assert outputs["torch"] == outputs["ct2"] == outputs["auto"]
    assert fallback_messages(caplog) == []

    used = []
    real_load = TorchEngine.load.__func__
    monkeypatch.setattr(
        TorchEngine, "load", classmethod(lambda cls, *a, **kw: (used.append("torch"), real_load(cls, *a, **kw))[1])
    )
    assert main(["run", str(src), "--model", str(tiny_copy), "--engine", "ct2"]) == 0 and used == []
    assert main(["run", str(src), "--model", str(tiny_copy), "--engine", "torch"]) == 0 and used == ["torch"]
    with pytest.raises(SystemExit):
        main(["run", str(src), "--model", str(tiny_copy), "--engine", "onnx"])


def test_scripts_using_the_ct2_engine_exit_cleanly(tiny_copy, tmp_path):
    """A script that restores with the CT2 engine and exits without closing anything
    exits 0 with its output file complete (translators are closed before shutdown)."""
    import subprocess
    import sys

    pytest.importorskip("ctranslate2")
    script = tmp_path / "use.py"
    script.write_text(
        "import sys\nfrom restore import Restorer\n"
        f"r = Restorer.from_pretrained({str(tiny_copy)!r}, engine='ct2')\n"
        "out = open(sys.argv[1], 'w')\n"
        "out.write('\\n'.join(r.restore(['The Home handed the invoice.'] * 40)))\n"
    )
    for k in range(3):
        target = tmp_path / f"out{k}.txt"
        proc = subprocess.run([sys.executable, str(script), str(target)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert len(target.read_text().splitlines()) == 40
