"""SentencePiece tokenizer for restore, saved as a Hugging Face tokenizer.

The model is a SentencePiece unigram model trained on the corpus: case-sensitive, byte
fallback (no character is ever unknown), digits split one by one, no normalisation
(curly quotes and dashes are kept) and whitespace kept as it is. It is wrapped as a
fast tokenizer (Unigram pieces and scores, Metaspace pre-tokenisation,
byte fallback in the decoder), so ``AutoTokenizer.from_pretrained(model_dir)`` works and decoding gives
back the exact text of a sentence.

Ids follow T5: pad 0, eos 1, unk 2 (``decoder_start_token_id`` = pad).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from pathlib import Path

PAD, EOS, UNK = "<pad>", "</s>", "<unk>"


def train_sentencepiece(
    texts: Iterable[str],
    vocab_size: int = 8000,
    model_type: str = "unigram",
    max_sentences: int = 2_000_000,
    seed_sentencepiece_size: int = 1_000_000,
) -> bytes:
    """Train a SentencePiece model on ``texts`` and return its serialized bytes."""
    import sentencepiece as spm

    model = io.BytesIO()
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        n = 0
        for text in texts:
            text = text.replace("\n", " ").strip()
            if text:
                f.write(text + "\n")
                n += 1
                if n >= max_sentences:
                    break
        path = f.name
    try:
        if n == 0:
            raise ValueError("no text to train the tokenizer on")
        spm.SentencePieceTrainer.train(
            input=path,
            model_writer=model,
            vocab_size=vocab_size,
            model_type=model_type,
            character_coverage=0.9999,
            byte_fallback=True,
            split_digits=True,
            normalization_rule_name="identity",
            remove_extra_whitespaces=False,
            add_dummy_prefix=True,
            allow_whitespace_only_pieces=True,
            split_by_whitespace=True,
            max_sentence_length=8192,
            pad_id=0,
            eos_id=1,
            unk_id=2,
            bos_id=-1,
            pad_piece=PAD,
            eos_piece=EOS,
            unk_piece=UNK,
            input_sentence_size=max_sentences,
            shuffle_input_sentence=True,
            seed_sentencepiece_size=seed_sentencepiece_size,
            hard_vocab_limit=False,  # a small corpus gets a smaller vocabulary, not an error
            num_threads=2,
            minloglevel=2,
        )
    finally:
        Path(path).unlink(missing_ok=True)
    return model.getvalue()


def hf_tokenizer_from_sentencepiece(model_bytes: bytes, model_max_length: int = 256):
    """A ``PreTrainedTokenizerFast`` with the SentencePiece model's pieces and scores.

    Unigram model with byte fallback; spaces become "▁" (Metaspace, one prepended), and
    the decoder undoes exactly that, so ``decode(encode(text)) == text``. An EOS token is
    appended to every sequence (T5 style, no BOS).
    """
    from sentencepiece import sentencepiece_model_pb2 as pb2
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    proto = pb2.ModelProto()  # type: ignore[attr-defined]  # generated protobuf module
    proto.ParseFromString(model_bytes)
    if proto.trainer_spec.model_type != pb2.TrainerSpec.UNIGRAM:  # type: ignore[attr-defined]
        raise ValueError("expected a SentencePiece unigram model")
    vocab = [(p.piece, p.score) for p in proto.pieces]
    backend = Tokenizer(models.Unigram(vocab, unk_id=proto.trainer_spec.unk_id, byte_fallback=True))
    backend.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    backend.decoder = decoders.Sequence(
        [
            decoders.Replace("▁", " "),
            decoders.ByteFallback(),
            decoders.Fuse(),
            decoders.Strip(content=" ", left=1, right=0),
        ]
    )
    backend.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", pair=f"$A {EOS} $B {EOS}", special_tokens=[(EOS, proto.trainer_spec.eos_id)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token=PAD,
        eos_token=EOS,
        unk_token=UNK,
        model_max_length=model_max_length,
        padding_side="right",
        clean_up_tokenization_spaces=False,
    )
