"""tools/shrink.py: a shrunk copy keeps the chosen layers' weights and still loads and runs."""

import pytest
import torch
from transformers import AutoModelForSeq2SeqLM, BartConfig, BartForConditionalGeneration

from tools import shrink


@pytest.fixture
def model_dir(tmp_path):
    torch.manual_seed(0)
    config = BartConfig(
        vocab_size=50,
        d_model=16,
        encoder_layers=2,
        decoder_layers=3,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=32,
        pad_token_id=0,
        bos_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    folder = tmp_path / "full"
    BartForConditionalGeneration(config).save_pretrained(folder)
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_shrunk_decoder_keeps_the_chosen_layers_and_loads(model_dir, tmp_path):
    full = AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32)
    out = tmp_path / "small"
    assert shrink.main([str(model_dir), str(out), "--decoder-layers", "0,2"]) == 0
    small = AutoModelForSeq2SeqLM.from_pretrained(out, dtype=torch.float32)
    assert (small.config.encoder_layers, small.config.decoder_layers) == (2, 2)
    for kept, source in ((0, 0), (1, 2)):
        assert torch.equal(small.model.decoder.layers[kept].fc1.weight, full.model.decoder.layers[source].fc1.weight)
    assert torch.equal(small.model.encoder.layers[1].fc1.weight, full.model.encoder.layers[1].fc1.weight)
    assert (out / "tokenizer.json").read_text() == "{}"
    # it decodes with its KV cache, and the same as without the cache
    ids = torch.tensor([[5, 6, 7, 8, 1]])
    cached = small.generate(ids, max_new_tokens=6, do_sample=False)
    uncached = small.generate(ids, max_new_tokens=6, do_sample=False, use_cache=False)
    assert torch.equal(cached, uncached)
    assert len(full.model.decoder.layers) == 3  # the original is untouched


def test_bad_layer_indices_are_refused(model_dir):
    full = AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32)
    for bad in ([], [3]):
        with pytest.raises(ValueError, match="decoder layers"):
            shrink.shrink(full, decoder_layers=bad)


def test_an_index_given_twice_grows_the_stack_with_a_near_no_op_copy(model_dir, tmp_path):
    full = AutoModelForSeq2SeqLM.from_pretrained(model_dir, dtype=torch.float32)
    out = tmp_path / "grown"
    assert shrink.main([str(model_dir), str(out), "--encoder-layers", "0,1,1"]) == 0
    grown = AutoModelForSeq2SeqLM.from_pretrained(out, dtype=torch.float32)
    assert grown.config.encoder_layers == 3
    first, repeat = grown.model.encoder.layers[1], grown.model.encoder.layers[2]
    source = full.model.encoder.layers[1]
    # the first use of an index is the layer itself; the repeat is a copy of it that adds
    # nothing to the residual stream: its attention output and second projection are zero
    assert torch.equal(first.fc2.weight, source.fc2.weight)
    assert torch.equal(repeat.fc1.weight, source.fc1.weight)
    for proj in (repeat.self_attn.out_proj, repeat.fc2):
        assert not proj.weight.any() and not proj.bias.any()
    # a copy, not the same module twice: training one does not move the other
    assert repeat.fc1.weight.data_ptr() != first.fc1.weight.data_ptr()
    ids = torch.tensor([[5, 6, 7, 8, 1]])
    assert grown.generate(ids, max_new_tokens=4, do_sample=False).shape[0] == 1


def test_a_grown_decoder_layer_starts_with_its_cross_attention_silent(model_dir, tmp_path):
    out = tmp_path / "grown"
    assert shrink.main([str(model_dir), str(out), "--decoder-layers", "0,0"]) == 0
    grown = AutoModelForSeq2SeqLM.from_pretrained(out, dtype=torch.float32)
    repeat = grown.model.decoder.layers[1]
    for proj in (repeat.self_attn.out_proj, repeat.encoder_attn.out_proj, repeat.fc2):
        assert not proj.weight.any() and not proj.bias.any()
    assert grown.model.decoder.layers[0].encoder_attn.out_proj.weight.any()
