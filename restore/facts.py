"""Facts a text states: numbers, magnitudes, percentages, ordinals, dates, compass
directions and negation, reduced to a comparable signature.

Two phrases state the same facts when their signatures are equal. The spinner uses this
to refuse synonym swaps that would change a fact (million -> billion, north -> south,
never -> always); the restorer uses it to refuse edits that would ("$2.2 trillion" ->
"$2.2 billion"). Known spinner renderings of the very same fact are read as that fact
first: "3.Three" is 3.3, "1000's" is thousands, "Nineties" is 1990s, "12 months" is a
year, "p.c." is percent. Those renderings of numbers live here, once: the spinner writes
them (:func:`spell_decimal`) and the guards read them (:data:`SPELLED_DECIMAL_RE`,
:data:`SOFT_NUMBER_RE`).

This module is a leaf: it imports nothing from the package.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = [
    "signature",
    "same_facts",
    "may_state_facts",
    "spell_decimal",
    "spelled_decimal_value",
    "SPELLED_DECIMAL_RE",
    "SOFT_NUMBER_RE",
    "DIGIT_NAMES",
]

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS)}
NUMBER_WORDS.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
# "one" is left out: it is as often a pronoun ("one of them", "the one") as a number
del NUMBER_WORDS["one"]
ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
}
del ORDINAL_WORDS["zeroth"]
MAGNITUDES = {
    "dozen": "dozen",
    "dozens": "dozen",
    "hundred": "hundred",
    "hundreds": "hundred",
    "thousand": "thousand",
    "thousands": "thousand",
    "million": "million",
    "millions": "million",
    "mln": "million",
    "mn": "million",
    "billion": "billion",
    "billions": "billion",
    "bln": "billion",
    "bn": "billion",
    "trillion": "trillion",
    "trillions": "trillion",
    "lakh": "lakh",
    "lakhs": "lakh",
    "crore": "crore",
    "crores": "crore",
}
PERCENT = {"percent", "per cent", "pct", "p.c.", "p.c", "%", "percentage point", "percentage points"}
COMPASS = {}
for _base in (
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
):
    _key = _base.replace("-", "")
    COMPASS[_base] = _key
    COMPASS[_base + "ern"] = _key
    COMPASS[_base + "erly"] = _key
    COMPASS[_base + "ward"] = _key
    COMPASS[_base + "wards"] = _key
NEGATIONS = {
    "not",
    "no",
    "never",
    "none",
    "nobody",
    "nothing",
    "nowhere",
    "neither",
    "nor",
    "cannot",
    "without",
    "n't",
    "nope",
    "nought",
    "naught",
}
MONTHS = (
    "January February March April June July August September October November December"
).split()  # May is left out: the modal verb "may" opens sentences
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
DATE_WORDS = set(MONTHS) | set(WEEKDAYS)
DECADE_NAMES = {
    name.lower(): 1900 + 10 * i
    for i, name in enumerate(
        "Noughties Tens Twenties Thirties Forties Fifties Sixties Seventies Eighties Nineties".split()
    )
    if i >= 2
}

# -- the spinner's renderings of numbers: one home for each rule (the spinner writes them,
# the guards and the signature read them)
DIGIT_NAMES = "Zero One Two Three Four Five Six Seven Eight Nine".split()
# "3.Three": a spinner spelled out the digit after a decimal point; it states 3.3
SPELLED_DECIMAL = rf"(\d+)\.({'|'.join(DIGIT_NAMES)})\b"
SPELLED_DECIMAL_RE = re.compile(SPELLED_DECIMAL)
_ONE_DECIMAL_RE = re.compile(r"(\d+)\.(\d)")


def spell_decimal(number: str) -> str | None:
    """How a spinner writes a number with one decimal: "3.3" -> "3.Three" (None: not such a number)."""
    m = _ONE_DECIMAL_RE.fullmatch(number)
    return f"{m.group(1)}.{DIGIT_NAMES[int(m.group(2))]}" if m else None


def spelled_decimal_value(match: re.Match[str]) -> str:
    """The number a :data:`SPELLED_DECIMAL` match states: "3.Three" -> "3.3"."""
    return f"{match.group(1)}.{DIGIT_NAMES.index(match.group(2).capitalize())}"


# numbers a spinner writes for words ("12 months" for year, "1000's" for thousands), as
# patterns, with the word each stands for
SPUN_NUMBERS = [(r"12 months", "year"), (r"1,?000'?s", "thousands"), (r"100'?s", "hundreds")]
# a spun number or an ordinal in digits ("3rd"): a restoration may turn it back into words
# without losing a number. "10 years" is not one: clean text says it as often as "decade"
# ("the following 10 years" -> "the next decade" lost the number); "12 months" for "year"
# is the commonest real spinner rendering
SOFT_NUMBER_RE = re.compile(r"\b(?:" + "|".join(p for p, _ in SPUN_NUMBERS) + r"|\d+(?:st|nd|rd|th))\b", re.IGNORECASE)
# spinner renderings of a fact, read as the fact itself before the signature is taken
# (each pattern is matched case-insensitively on whole words)
_EQUIVALENTS = [
    *SPUN_NUMBERS,
    (r"twelve months", "year"),
    (r"10 years", "decade"),
    (r"ten years", "decade"),
    (r"a whole bunch", "hundreds"),
    (r"two times", "twice"),
]
_EQUIV_RE = [(re.compile(rf"(?<![\w.]){p}(?![\w])", re.IGNORECASE), r) for p, r in _EQUIVALENTS]
_SPELLED_DECIMAL_ANY_CASE_RE = re.compile(SPELLED_DECIMAL, re.IGNORECASE)
_TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)*(?:'?s|st|nd|rd|th)?"  # 3.3, 1,000, 1990s, 3rd
    r"|p\.c\.?|%|\$|£|€|¥"
    r"|[A-Za-z]+n't"
    r"|[A-Za-z]+(?:-[A-Za-z]+)*"
)
_ORDINAL_DIGITS_RE = re.compile(r"(\d+)(?:st|nd|rd|th)$")
_DECADE_DIGITS_RE = re.compile(r"(\d{4})'?s$")


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    text = _SPELLED_DECIMAL_ANY_CASE_RE.sub(spelled_decimal_value, text)
    for pattern, replacement in _EQUIV_RE:
        text = pattern.sub(replacement, text)
    return re.sub(r"\bper cent\b", "percent", text, flags=re.IGNORECASE)


_UNIT_VALUES = {w: i for i, w in enumerate(_UNITS[:10])}  # "one" included: "twenty-one" is a number
_TENS_VALUES = {w: 20 + 10 * i for i, w in enumerate(_TENS)}


def _compound_number(low: str) -> int | None:
    """The number a hyphenated word starts with ("forty-five" -> 45, "five-year-old" -> 5,
    "forty-five-year-old" -> 45), else None."""
    if "-" not in low:
        return None
    parts = low.split("-")
    if parts[0] in _TENS_VALUES and parts[1] in _UNIT_VALUES and parts[1] != "zero":
        return _TENS_VALUES[parts[0]] + _UNIT_VALUES[parts[1]]
    return NUMBER_WORDS.get(parts[0])


def signature(text: str, ignore_case: bool = False) -> Counter:
    """The facts ``text`` states, as a multiset of canonical tokens.

    Numbers by value (``"2.5"``, ``"1000"``), number words by value (``two`` -> ``"2"``;
    ``forty-five`` and ``fifty six`` are one number each, 45 and 56),
    magnitudes (``"mag:billion"``), ordinals (``"ord:3"`` for third and 3rd), percent,
    currency signs, decades (``"decade:1990"`` for 1990s and Nineties), months and
    weekdays (capitalised), compass directions (``"dir:north"``), and negation (one
    ``"neg"`` however many negators: "not" and "no longer" state the same polarity).
    Months, weekdays and decade names count when capitalised, or in any case with
    ``ignore_case`` (for lower-case table keys, whose case the text gives later).
    """
    sig: Counter = Counter()
    negated = False
    normal = _normalise(text)
    matches = list(_TOKEN_RE.finditer(normal))
    skip = False
    for k, match in enumerate(matches):
        if skip:  # the unit of a spaced compound ("fifty six"), counted with its tens
            skip = False
            continue
        tok = match.group()
        low = tok.lower()
        # number words make one number: "forty-five" is 45, "fifty six" 56 (so that
        # "40-five" or "50 six" state other numbers)
        if (value := _compound_number(low)) is not None:
            sig[str(value)] += 1
            continue
        if low in _TENS_VALUES and k + 1 < len(matches):
            nxt = matches[k + 1]
            unit = nxt.group().lower()
            if unit in _UNIT_VALUES and unit != "zero" and normal[match.end() : nxt.start()] == " ":
                sig[str(_TENS_VALUES[low] + _UNIT_VALUES[unit])] += 1
                skip = True
                continue
        if low.endswith("n't"):
            negated = True
            low, tok = low[:-3], tok[:-3]
            if not low:
                continue
        if tok[0].isdigit():
            if m := _ORDINAL_DIGITS_RE.match(low):
                sig[f"ord:{int(m.group(1))}"] += 1
            elif m := _DECADE_DIGITS_RE.match(low):
                sig[f"decade:{m.group(1)}"] += 1
            else:
                digits = low.replace(",", "")
                try:
                    digits = format(float(digits), "g") if "." in digits else str(int(digits))
                except ValueError:
                    pass
                sig[digits] += 1
        elif low in ("$", "£", "€", "¥"):
            sig[f"cur:{low}"] += 1
        elif low in PERCENT:
            sig["percent"] += 1
        elif low in NUMBER_WORDS:
            sig[str(NUMBER_WORDS[low])] += 1
        elif low in ORDINAL_WORDS:
            sig[f"ord:{ORDINAL_WORDS[low]}"] += 1
        elif low in MAGNITUDES:
            sig[f"mag:{MAGNITUDES[low]}"] += 1
        elif low in DECADE_NAMES and (ignore_case or tok[0].isupper()):
            sig[f"decade:{DECADE_NAMES[low]}"] += 1
        elif low in COMPASS:
            sig[f"dir:{COMPASS[low]}"] += 1
        elif low in NEGATIONS:
            negated = True
        elif (low.capitalize() if ignore_case else tok) in DATE_WORDS:
            sig[f"date:{low}"] += 1
        elif low == "twice":
            sig["2"] += 1
        elif low in ("half", "quarter"):
            sig[f"frac:{low}"] += 1
    if negated:
        sig["neg"] = 1
    return sig


def same_facts(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` state the same facts (see :func:`signature`)."""
    return signature(a) == signature(b)


_FACT_WORDS = (
    set(NUMBER_WORDS)
    | set(ORDINAL_WORDS)
    | set(MAGNITUDES)
    | set(COMPASS)
    | NEGATIONS
    | set(DECADE_NAMES)
    | {w.lower() for w in MONTHS + WEEKDAYS}
    | {"percent", "cent", "pct", "twice", "months", "years", "bunch", "times", "half", "quarter"}
)
# word edges as the signature's tokens see them (ASCII letters)
_MAYBE_RE = re.compile(
    r"\d|%|\$|£|€|¥|n['’]t|p\.c|(?<![A-Za-z])(?:"
    + "|".join(sorted(map(re.escape, _FACT_WORDS), key=len, reverse=True))
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)


def may_state_facts(text: str) -> bool:
    """A cheap test: False means :func:`signature` of ``text`` is surely empty."""
    return _MAYBE_RE.search(text) is not None
