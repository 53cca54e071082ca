"""The article spinner: turns clean English into text that reads like spinner output.

Real spinners swap words and phrases for context-blind thesaurus synonyms ("the House
passed the bill" -> "the Home handed the invoice"), rewrite numbers ("3.3" -> "3.Three",
"1960s" -> "Sixties"), toggle contractions and change function words, while leaving
most names, many quotes and some headlines alone. :class:`Spinner` does the same, with
every behaviour switchable and weighted from YAML (``resources/spinner_default.yaml``).

Text is never re-tokenised: the spinner finds word tokens with a regular expression and
replaces character spans, so punctuation and whitespace come back exactly as they were.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..config import merge, read_yaml
from ..facts import spell_decimal
from . import tables
from .mixture import MixedSpinner
from .placing import Candidate, take_budget, take_every_match
from .text import (
    HONORIFICS,
    POSSESSIVE_RE,
    TOKEN_RE,
    Swap,
    Token,
    quote_state,
    sentence_initial,
    transfer_case,
)

DEFAULTS = tables.RESOURCES / "spinner_default.yaml"
BEHAVIOURS = ("synonym", "function_word", "number", "abbreviation", "contraction", "spelling")
MODES = ("thesaurus", "rewriter", "fitted")


class Spinner:
    """Synthetic article spinner.

    >>> sp = Spinner.from_config()
    >>> sp.spin("The House passed the bill on Tuesday.", seed=1)  # doctest: +SKIP
    'The Home handed the invoice on Tuesday.'
    """

    def __init__(self, config: dict):
        self.config = config
        rate = config["rate"]
        self.rate_min, self.rate_max = float(rate["min"]), float(rate["max"])
        if not 0 <= self.rate_min <= self.rate_max <= 1:
            raise ValueError(f"spinner rate must satisfy 0 <= min <= max <= 1, got {rate}")
        behaviours = config["behaviours"]
        unknown = set(behaviours) - set(BEHAVIOURS)
        if unknown:
            raise ValueError(f"unknown spinner behaviours {sorted(unknown)}; known: {BEHAVIOURS}")
        self.weights = {name: float(b.get("weight", 1.0)) for name, b in behaviours.items() if b.get("enabled", True)}
        self.max_words = int(config["max_phrase_words"])
        self.temperature = float(config["temperature"])
        self.mode = config.get("mode", "thesaurus")
        if self.mode not in MODES:
            raise ValueError(f"unknown spinner mode {self.mode!r}; known: {MODES}")
        if self.mode in ("rewriter", "fitted"):
            place = config["place_prob"]
            self.place_min, self.place_max = float(place["min"]), float(place["max"])
            if not 0 <= self.place_min <= self.place_max <= 1:
                raise ValueError(f"spinner place_prob must satisfy 0 <= min <= max <= 1, got {place}")
        if self.mode == "rewriter" and not config.get("synonym_sets"):
            raise ValueError("spinner mode 'rewriter' needs synonym_sets: a file of '|'-separated synonym sets")
        if self.mode == "fitted" and not config.get("real_pairs"):
            raise ValueError("spinner mode 'fitted' needs real_pairs: JSONL files of real {spun, original} pairs")
        self.change_rates: dict[str, float] = {}
        self._build_tables()

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_config(
        cls, overrides: dict | str | Path | None = None, base_dir: str | Path | None = None
    ) -> Spinner | MixedSpinner:
        """Defaults from ``resources/spinner_default.yaml``, updated by a dict or YAML file.

        Relative table paths (``synonym_sets``, ``extra_tables``) are resolved against
        ``base_dir`` (for a YAML file: its folder). A config with a ``mixture`` list gives
        a :class:`MixedSpinner` that spins each document with one of its components.
        """
        config = read_yaml(DEFAULTS)
        if isinstance(overrides, (str, Path)):
            path = Path(overrides)
            loaded = read_yaml(path)
            given = dict(loaded.get("spinner", loaded) or {})
            base_dir = path.resolve().parent if base_dir is None else base_dir
        else:
            given = dict(overrides or {})
        mixture = given.pop("mixture", None)
        if mixture:
            return MixedSpinner.from_config(mixture, given, base_dir, cls.from_config)
        return cls(tables.resolve_paths(merge(config, given), base_dir))

    def _build_tables(self) -> None:
        rules = tables.rules()
        synonyms: tables.Table = {}
        if "synonym" in self.weights:
            # fact-changing swaps (million -> billion, north -> south) are never made
            if self.mode == "fitted":
                synonyms = self._fitted_table()
            elif self.mode == "rewriter":
                synonyms = dict(
                    tables.safe_synonym_set_table(
                        str(self.config["synonym_sets"]),
                        self.config.get("set_lines", "all"),
                        float(self.config.get("chain_weight", 0.0)),
                        float(self.config.get("original_weight", 1.0)),
                    )
                )
            else:
                synonyms = dict(tables.safe_synonym_table())
            for path in self.config.get("extra_tables") or []:
                for key, opts in tables.fact_safe(tables.read_extra_table(path)).items():
                    synonyms[key] = synonyms.get(key, []) + opts
        # lower-case phrase tables, one candidate swap per table that holds a phrase
        # fact-changing options are dropped from every table (hand rules included:
        # thousands -> hundreds is not the same fact)
        self.word_tables: list[tuple[str, tables.Table]] = [
            (name, table if name == "synonym" else tables.fact_safe(table))
            for name, table in (
                ("contraction", tables.contraction_table()),
                ("number", {**tables.weighted(rules["numbers"]), **tables.decade_table()}),
                ("function_word", tables.weighted(rules["function_words"])),
                ("spelling", tables.spelling_table()),
                ("synonym", synonyms),
            )
            if name in self.weights
        ]
        self.abbreviations = tables.weighted(rules["abbreviations"], lower=False)
        self.key_probability = {str(k).lower(): float(v) for k, v in rules["key_probability"].items()}

    def _fitted_table(self) -> tables.Table:
        """Fitted mode: the channel of real pairs (:mod:`.channel`), backed off to the
        synonym-set file when given, else to the open thesaurus; articles held out for
        validation (``holdout_share``) are left out of the fit. ``rate_scale`` multiplies each
        phrase's fitted change rate (capped at 1): the fit spins less than the pairs it was
        fitted on, since it cannot change what its tables do not hold."""
        from . import channel

        share = float(self.config.get("holdout_share", 0.0))
        pairs = [p for p in channel.read_pairs(self.config["real_pairs"]) if not channel.held_out(p["article"], share)]
        sets = self.config.get("synonym_sets")
        backoff = tables.safe_synonym_set_table(str(sets), "all", 0.0, 1.0) if sets else tables.safe_synonym_table()
        weights = self.config.get("backoff")
        fitted = channel.fit_channel(
            pairs, backoff, int(self.config["max_phrase_words"]), dict(weights) if weights else None
        )
        table, rates = fitted.table()
        scale = float(self.config.get("rate_scale", 1.0))
        if scale < 0:
            raise ValueError(f"spinner rate_scale must be >= 0, got {scale}")
        self.change_rates = {k: min(1.0, v * scale) for k, v in rates.items()} if scale != 1.0 else rates
        return tables.fact_safe(table)

    # -- public API ---------------------------------------------------------------
    def draw_rate(self, rng: random.Random) -> float:
        return rng.uniform(self.rate_min, self.rate_max)

    def spin(self, text: str, seed: int | str = 0, rate: float | None = None) -> str:
        return self.spin_with_edits(text, seed, rate)[0]

    def spin_document(self, sentences: list[str], seed: int | str = 0, is_title: bool = False) -> list[str]:
        """Spin each sentence of one document with one rate drawn for the document.

        Quoted speech may be kept (per document, ``keep_quotes_prob``), and an open quote
        carries over to the next sentence; a headline (``is_title``) is kept whole with
        probability ``keep_headline_prob``.
        """
        rng = random.Random(f"doc:{seed}")
        rate = self.draw_rate(rng)
        keep_quotes = rng.random() < float(self.config["keep_quotes_prob"])
        if is_title and rng.random() < float(self.config["keep_headline_prob"]):
            return list(sentences)
        place = self._draw_place(rng)
        out: list[str] = []
        in_quote = False
        choices: dict[str, str] = {}
        for i, sentence in enumerate(sentences):
            spun, _, in_quote = self._spin(
                sentence, random.Random(f"{seed}:{i}"), rate, keep_quotes, in_quote, place, choices
            )
            out.append(spun)
        return out

    def spin_with_edits(
        self, text: str, seed: int | str = 0, rate: float | None = None, keep_quotes: bool | None = None
    ) -> tuple[str, list[Swap]]:
        """Spin one text; returns the spun text and the edits made (input offsets)."""
        rng = random.Random(f"doc:{seed}")
        drawn = self.draw_rate(rng)
        if keep_quotes is None:
            keep_quotes = rng.random() < float(self.config["keep_quotes_prob"])
        place = self._draw_place(rng)
        spun, edits, _ = self._spin(
            text, random.Random(f"{seed}:0"), drawn if rate is None else rate, keep_quotes, False, place
        )
        return spun, edits

    def _draw_place(self, rng: random.Random) -> float:
        """Rewriter mode: the document's chance that a matched place is drawn at all."""
        return rng.uniform(self.place_min, self.place_max) if self.mode != "thesaurus" else 1.0

    def options(self, phrase: str) -> set[str]:
        """Every text the spinner can put in place of ``phrase`` (case as in ``phrase``)."""
        tokens = [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(phrase)]
        if not tokens:
            return set()
        found = set()
        for cand in self._candidates_at(phrase, tokens, 0):
            if cand.last == len(tokens) - 1:
                for rep, _ in cand.options:
                    found.add(self._render(phrase, tokens, cand, rep))
        return found

    # -- internals ----------------------------------------------------------------
    def _spin(
        self,
        text: str,
        rng: random.Random,
        rate: float,
        keep_quotes: bool,
        in_quote: bool,
        place: float = 1.0,
        choices: dict[str, str] | None = None,
    ) -> tuple[str, list[Swap], bool]:
        """One sentence. ``choices``: the fitted mode's replacement per key so far in the
        document, kept with probability ``fixed_choice`` (real spinners write the same
        replacement for the same word throughout an article)."""
        tokens = [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
        protected, in_quote = self._quoted(text, tokens, in_quote)
        if not keep_quotes:
            protected = [False] * len(tokens)
        cands = []
        for i in range(len(tokens)):
            if protected[i]:
                continue
            for cand in self._candidates_at(text, tokens, i):
                if not any(protected[cand.first : cand.last + 1]) and self._allowed(text, tokens, cand, rng):
                    cands.append(cand)
        if self.mode != "thesaurus":
            rules_prob = float(self.config.get("rules_prob", 0.5))
            taken = take_every_match(
                cands,
                len(tokens),
                rng,
                place,
                self.weights,
                rules_prob,
                self.change_rates if self.mode == "fitted" else None,
            )
        else:
            taken = take_budget(cands, len(tokens), rng, rate, self.weights)
        apostrophe = "’" if "’" in text else "'"
        pieces, edits, pos = [], [], 0
        fixed = float(self.config.get("fixed_choice", 0.0))
        choices = {} if choices is None else choices
        for cand in taken:
            if fixed and cand.key in choices and rng.random() < fixed:
                rep = choices[cand.key]
            else:
                rep = choices[cand.key] = self._choose(cand.options, rng)
            start, end = tokens[cand.first].start, tokens[cand.last].end
            if (
                self.mode == "rewriter"
                and cand.behaviour == "synonym"
                and rep == text[start:end].lower().replace("’", "'")
            ):
                continue  # the rewriter drew the original itself (its sets hold their key)
            rendered = self._render(text, tokens, cand, rep, apostrophe)
            if rendered == text[start:end]:
                continue
            pieces += [text[pos:start], rendered]
            pos = end
            edits.append(Swap(start, end, text[start:end], rendered, cand.behaviour, cand.last - cand.first + 1))
        pieces.append(text[pos:])
        return "".join(pieces), edits, in_quote

    def _choose(self, options: list[tuple[str, float]], rng: random.Random) -> str:
        weights = [w ** (1.0 / self.temperature) for _, w in options]
        return rng.choices([r for r, _ in options], weights=weights)[0]

    def _render(self, text: str, tokens: list[Token], cand: Candidate, rep: str, apostrophe: str = "'") -> str:
        original = text[tokens[cand.first].start : tokens[cand.last].end]
        if cand.behaviour != "abbreviation":
            rep = transfer_case(original, rep)
        if cand.behaviour == "contraction":
            rep = rep.replace("'", apostrophe)
        return rep + cand.suffix

    def _allowed(self, text: str, tokens: list[Token], cand: Candidate, rng: random.Random) -> bool:
        """Names and titles: capitalised words inside a sentence are spun only sometimes
        (``capitalized_prob``); acronyms (NATO, AP) only by the abbreviation rules."""
        if cand.behaviour == "abbreviation":
            return True
        words = [t.text for t in tokens[cand.first : cand.last + 1]]
        p = self.key_probability.get(" ".join(words).lower())
        if p is not None and rng.random() >= p:
            return False
        if any(len(w) > 1 and w.isupper() for w in words):
            return False
        capital = [w[:1].isupper() and w != "I" and not w.startswith(("I'", "I’")) for w in words]
        if not any(capital):
            return True
        if words[-1] in HONORIFICS or cand.first and tokens[cand.first - 1].text in HONORIFICS:
            return False  # Mr Smith, President Bush: honorifics and the names after them stay
        if not any(capital[1:]) and sentence_initial(text, tokens[cand.first].start):
            return True
        return rng.random() < float(self.config["capitalized_prob"])

    def _candidates_at(self, text: str, tokens: list[Token], i: int) -> list[Candidate]:
        out = []
        # phrases of 1..max_words tokens joined by single spaces only (no punctuation)
        last = i
        while (
            last + 1 < len(tokens)
            and last - i + 1 < self.max_words
            and text[tokens[last].end : tokens[last + 1].start] == " "
        ):
            last += 1
        for j in range(last, i - 1, -1):
            phrase = text[tokens[i].start : tokens[j].end]
            key = phrase.lower().replace("’", "'")
            suffix = ""
            if j == i and not self._has_key(key):
                m = POSSESSIVE_RE.match(phrase)
                if m and self._has_key(m.group(1).lower()):
                    key, suffix = m.group(1).lower(), m.group(2)
            for name, table in self.word_tables:  # a key may be in several tables
                opts = table.get(key)
                if opts and not (suffix and name == "contraction"):
                    out.append(Candidate(i, j, name, opts, suffix, key))
            if "abbreviation" in self.weights and phrase in self.abbreviations:
                out.append(Candidate(i, j, "abbreviation", self.abbreviations[phrase]))
        if "number" in self.weights:
            spelled = spell_decimal(tokens[i].text)
            if spelled:  # 3.3 -> 3.Three
                out.append(Candidate(i, i, "number", [(spelled, 1.0)]))
        return out

    def _has_key(self, key: str) -> bool:
        return any(key in table for _, table in self.word_tables)

    @staticmethod
    def _quoted(text: str, tokens: list[Token], in_quote: bool) -> tuple[list[bool], bool]:
        """Which tokens are inside double quotation marks; an unclosed quote carries over."""
        inside, pos = [], 0
        for tok in tokens:
            in_quote = quote_state(text[pos : tok.start], in_quote)
            inside.append(in_quote)
            pos = tok.end
        return inside, quote_state(text[pos:], in_quote)
