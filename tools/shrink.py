"""Shrink (or grow) a trained model's decoder or encoder by copying some of its layers: the
start of "shrink and fine-tune" (Shleifer & Rush 2020, distilbart). A deep encoder with a
shallow decoder decodes much faster on CPU (Kasai et al. 2021); the shrunk model is
then fine-tuned with ``restore train --init-from``.

An index given twice grows the stack: the repeat is a copy of that layer with its
attention output projections (a decoder layer's cross-attention's too) and second
feed-forward projection set to zero, so that its sublayers add nothing to the residual
stream (only its layer norms act) and the grown model starts close to the one it came
from (experiments/README.md, run 17).

    python -m tools.shrink models/restore-small runs/grow-6-1/init --encoder-layers 0,1,2,2,3,3

    python -m tools.shrink models/restore-small runs/shrink-4-1/init --decoder-layers 0
    restore train configs/small.yaml --init-from runs/shrink-4-1/init --set output_dir=runs/shrink-4-1

``--decoder-layers`` / ``--encoder-layers``: the indices of the layers to keep, in order
(default: all). Embeddings, layer norms and the output head are copied; the tokenizer and
the list of known words come along, the restorer's thresholds do not (choose them again
for the fine-tuned model).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

KEPT_FILES = ("tokenizer.json", "tokenizer_config.json", "known_words.txt.gz")


def shrink(model, encoder_layers: list[int] | None = None, decoder_layers: list[int] | None = None):
    """A copy of a BART-style ``model`` with only the given layers (indices into each stack;
    an index given again adds a copy of that layer that starts as a near no-op)."""
    import copy

    import torch

    small = copy.deepcopy(model)
    for stack_name, keep in (("encoder", encoder_layers), ("decoder", decoder_layers)):
        if keep is None:
            continue
        stack = getattr(small.model, stack_name)
        n = len(stack.layers)
        if not keep or any(not 0 <= i < n for i in keep):
            raise ValueError(f"{stack_name} layers to keep must be indices 0-{n - 1}, got {keep}")
        layers = []
        for k, i in enumerate(keep):
            layer = stack.layers[i]
            if i in keep[:k]:  # a repeat: a copy whose sublayers start by adding nothing
                layer = copy.deepcopy(layer)
                outputs = [layer.self_attn.out_proj, layer.fc2]
                if hasattr(layer, "encoder_attn"):  # a decoder layer's cross-attention
                    outputs.append(layer.encoder_attn.out_proj)
                for proj in outputs:
                    torch.nn.init.zeros_(proj.weight)
                    torch.nn.init.zeros_(proj.bias)
            layers.append(layer)
        stack.layers = torch.nn.ModuleList(layers)
        setattr(small.config, f"{stack_name}_layers", len(keep))
    # layer indices are used by the KV cache: renumber them
    for stack in (small.model.encoder, small.model.decoder):
        for i, layer in enumerate(stack.layers):
            for module in layer.modules():
                if hasattr(module, "layer_idx"):
                    module.layer_idx = i
    return small


def _indices(text: str | None) -> list[int] | None:
    return None if text is None else [int(x) for x in text.split(",") if x.strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument(
        "--encoder-layers", help="comma-separated indices of the encoder layers to keep (an index twice: grow)"
    )
    ap.add_argument(
        "--decoder-layers", help="comma-separated indices of the decoder layers to keep (an index twice: grow)"
    )
    args = ap.parse_args(argv)

    import torch
    from transformers import AutoModelForSeq2SeqLM

    model = AutoModelForSeq2SeqLM.from_pretrained(args.model, dtype=torch.float32)
    small = shrink(model, _indices(args.encoder_layers), _indices(args.decoder_layers))
    args.output.mkdir(parents=True, exist_ok=True)
    small.save_pretrained(args.output)
    for name in KEPT_FILES:
        if (args.model / name).is_file():
            shutil.copy2(args.model / name, args.output / name)
    params = sum(p.numel() for p in small.parameters())
    print(
        f"{small.config.encoder_layers}+{small.config.decoder_layers} layers, {params:,} parameters -> {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
