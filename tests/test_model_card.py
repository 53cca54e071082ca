"""The model card's Limitations section is derived from the evaluations it is given."""

from tools import model_card

CURVE = [
    {"step": s, "hours": s / 1000, "dev_f0.5": f}
    for s, f in [(500, 0.05), (1000, 0.20), (1500, 0.31), (2000, 0.27), (2500, 0.29)]
]


def test_limitations_states_the_dev_bar_from_the_suite_figures():
    below = model_card.limitations(
        2.5, {"clean_harm": 0.331}, CURVE, {"f0.5": 0.429, "precision": 0.633, "recall": 0.188}
    )
    assert "is below the project's dev edit F0.5 bar" in below and "0.429" in below
    assert "33% of clean sentences" in below
    above = model_card.limitations(2.5, {"clean_harm": 0.02}, CURVE, {"f0.5": 0.672, "precision": 0.7, "recall": 0.5})
    assert "meets the project's dev edit F0.5 bar" in above and "0.672" in above
    assert "interval" not in above
    with_ci = model_card.limitations(
        2.5, {"clean_harm": 0.02}, CURVE, {"f0.5": 0.432, "precision": 0.64, "recall": 0.188, "f0.5_ci": [0.356, 0.504]}
    )
    assert "95% bootstrap interval 0.356–0.504" in with_ci and "write the original's words" not in with_ci
    right = model_card.limitations(
        2.5,
        {"clean_harm": 0.02},
        CURVE,
        {"f0.5": 0.432, "precision": 0.64, "recall": 0.188, "fp": 32, "partial": 25, "edits_right": 0.921},
    )
    assert "92% of its dev edits write the original's words: 25 of the 32" in right


def test_limitations_reads_the_end_of_the_curve_from_its_last_four_checkpoints():
    text = model_card.limitations(2.5, {"clean_harm": 0.1}, CURVE, None)
    assert "within 0.20-0.31" in text  # the last four points; the early 0.05 is left out
    assert "bar" not in text  # no suite figures given: no claim about the bar


def test_architecture_comes_from_the_model_folder(tmp_path):
    """A run continued with --init-from trains the loaded model: the card reads the folder's
    config.json, not the report's YAML (4+4 in configs/small.yaml, 4+1 in the folder)."""
    import json

    (tmp_path / "config.json").write_text(
        json.dumps(
            {
                "model_type": "bart",
                "d_model": 256,
                "encoder_layers": 4,
                "decoder_layers": 1,
                "encoder_attention_heads": 4,
                "encoder_ffn_dim": 1024,
            }
        )
    )
    arch = model_card.architecture_of(tmp_path)
    report = {
        "config": {
            "model": {"d_model": 256, "encoder_layers": 4, "decoder_layers": 4, "heads": 4, "ffn_dim": 1024},
            "tokenizer": {"vocab_size": 8000},
            "training": {"learning_rate": 1e-4, "scheduler": "linear", "batch_size": 48},
        },
        "parameters": 6_393_600,
        "wall_seconds": 60.0,
        "steps": 10,
        "device": "cpu x2",
        "tokens_per_second": 3000.0,
    }
    ev = {"dev": {"precision": 0.7, "recall": 0.5, "f0.5": 0.6, "exact_match": 0.1}, "clean_harm": 0.02, "clean_n": 100}
    text = model_card.card("m", [report], ev, [], architecture=arch)
    assert "4+1 layers" in text and "4+4" not in text
