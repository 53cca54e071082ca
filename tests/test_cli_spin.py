"""`restore spin`: spinning a file and user errors."""

import json
import subprocess
import sys

import pytest

from restore.cli import main

CLEAN = "The government said the new bill would help people.\n\nBut officials could not confirm it.\n"


def test_spin_file_keeps_every_line(tmp_path, capsys):
    src = tmp_path / "clean.txt"
    src.write_text(CLEAN)
    assert main(["spin", str(src), "--seed", "3", "--rate", "0.35"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == CLEAN.count("\n")
    assert out.split("\n")[1] == ""  # the blank line is still blank
    assert out != CLEAN
    # same seed, same output; written to a file with -o
    dest = tmp_path / "spun.txt"
    assert main(["spin", str(src), "--seed", "3", "--rate", "0.35", "-o", str(dest)]) == 0
    assert dest.read_text() == out
    # --set reaches any spinner setting: the same rate through the config's own keys
    assert main(["spin", str(src), "--seed", "3", "--set", "rate.min=0.35", "--set", "rate.max=0.35"]) == 0
    assert capsys.readouterr().out == out
    assert main(["spin", str(src), "--set", "rate"]) == 2
    assert "key=value" in capsys.readouterr().err


def test_spin_user_errors_are_one_line_exit_2(tmp_path, capsys):
    assert main(["spin", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no such file" in err and "\n" not in err
    assert main(["spin", str(tmp_path)]) == 2
    assert "folder" in capsys.readouterr().err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9 au lait")
    assert main(["spin", str(bad)]) == 2
    assert "byte offset 3" in capsys.readouterr().err
    assert main(["spin", str(bad), "--rate", "2"]) == 2
    with pytest.raises(SystemExit) as e:
        main(["spin"])  # a FILE is required: argparse says so
    assert e.value.code == 2
    capsys.readouterr()
    assert main(["pairs", "--config", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o")]) == 2
    assert "no such config" in capsys.readouterr().err


def test_console_script_reads_stdin(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "restore.cli", "spin", "-", "--seed", "1"],
        input=CLEAN,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == CLEAN.count("\n")


def test_build_pairs_from_cli(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    docs = [
        {
            "id": str(i),
            "text": f"Document {i} says the government passed a new bill on Monday. "
            "Officials said the plan would help thousands of people across the country. "
            "But critics warned that the cost could rise sharply over the next three years, "
            "and the opposition party said it would vote against the measure in the House. "
            "The minister told reporters the economy was facing a major crisis.",
        }
        for i in range(12)
    ]
    corpus.write_text("\n".join(json.dumps(d) for d in docs))
    cfg = tmp_path / "data.yaml"
    cfg.write_text(
        f"seed: 1\ncorpora:\n  - {{path: {corpus.name}}}\nmin_doc_words: 20\nsplits: {{valid: 0.2, test: 0.2}}\n"
    )
    out = tmp_path / "pairs"
    assert main(["pairs", "--config", str(cfg), "-o", str(out)]) == 0
    assert (out / "stats.json").is_file() and (out / "dataset_dict.json").is_file()
    assert "wrote pairs" in capsys.readouterr().err
    # --set overrides the data config, as for train
    one = tmp_path / "one"
    assert main(["pairs", "--config", str(cfg), "-o", str(one), "--set", "spins_per_sentence=1"]) == 0
    written = (one / "data_config.yaml").read_text()
    assert "spins_per_sentence: 1" in written and "spins_per_sentence: 1" not in (out / "data_config.yaml").read_text()


def test_spin_with_a_rewriter_config_reads_its_sets_relative_to_the_yaml(tmp_path, capsys):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "sets.txt").write_text("bill|invoice\nhouse|home\n")
    cfg = tmp_path / "conf" / "spin.yaml"
    cfg.write_text(
        "spinner: {mode: rewriter, synonym_sets: sets.txt, original_weight: 0,"
        " place_prob: {min: 1, max: 1}, rules_prob: 0, capitalized_prob: 1}\n"
    )
    src = tmp_path / "in.txt"
    src.write_text("The House passed the bill.\n")
    assert main(["spin", str(src), "--spinner-config", str(cfg)]) == 0
    assert capsys.readouterr().out == "The Home passed the invoice.\n"
