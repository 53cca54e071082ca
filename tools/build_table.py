"""Build the spinner's synonym table from the shared thesauri.

    python -m tools.build_table --thesaurus-dir ../shared/data/thesaurus

Reads Moby (public domain), Open English WordNet (CC BY 4.0) and LibreOffice MyThes
en_US, keeps pairs that look like what article spinners produce (both sides common
English words, a shared part of speech, attested by WordNet/MyThes or by Moby plus a
shared part of speech), expands them to inflected surface forms with lemminflect
(say->state gives said->stated, says->states, ...) and writes a compact gzipped TSV
inside the package (``restore/resources/synonyms.tsv.gz``), so spinning needs neither
the thesauri nor the build-time libraries.

Format: ``# comment`` lines, then one line per surface phrase (lower case)::

    key<TAB>replacement<SEP>weight<TAB>replacement<SEP>weight ...

It also writes ``spelling.tsv.gz`` (American<TAB>British spelling pairs). Needs the
``table`` extra: ``pip install -e .[table]`` (wordfreq, lemminflect).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from restore.spinner.tables import RESOURCES, SEP  # where the tables live and how they are written

# part-of-speech codes -> (lemminflect UPOS, Penn tags we map between)
POS = {
    "n": ("NOUN", ("NN", "NNS")),
    "v": ("VERB", ("VB", "VBD", "VBG", "VBN", "VBZ")),
    "a": ("ADJ", ("JJ",)),
    "r": ("ADV", ("RB",)),
}
MYTHES_POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
# sources and how much one attestation counts
SOURCE_WEIGHT = {
    "oewn": 1.0,
    "mythes": 1.0,
    "mythes_similar": 1.0,
    "mythes_generic": 0.5,
    "moby": 0.6,
    "moby_reciprocal": 0.4,
}
WORD_RE = re.compile(r"^[a-z][a-z'\-]*( [a-z][a-z'\-]*){0,3}$")
# closed-class and very light words: handled by hand-written rules, never by the thesauri
STOP = set(
    """a an the and or but if of in on at to for from by with as is are was were be been
    being am do does did done have has had it its this that these those he she they we you i
    me him her them us my your his our their not no yes so than then there here who whom which
    what when where why how all any some each every one two three four five six seven eight
    nine ten first second third also just very too can could will would shall should may
    might must up down out over under off into onto about after before s t d ll re ve m""".split()
)

# units, numbers, days and months: a swap between two of these changes a fact, not a word
MEASURES = set(
    """second seconds minute minutes hour hours day days week weeks fortnight month months
    year years decade decades century centuries millennium quarter half dozen score hundred
    thousand million billion trillion percent inch inches foot feet yard yards mile miles
    metre metres meter meters kilometre kilometres kilometer kilometers gram grams kilogram
    kilograms pound pounds ounce ounces ton tons tonne tonnes litre litres liter liters
    gallon gallons barrel barrels acre acres hectare hectares dollar dollars cent cents
    penny pence euro euros yen north south east west northern southern eastern western
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december morning evening night afternoon
    noon midnight today tomorrow yesterday""".split()
)


@cache
def zipf(phrase: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(phrase, "en")


def load_oewn(path: Path):
    """Return (pairs, lemma_pos): same-synset pairs with a POS, and POS sets per lemma."""
    synsets = json.loads(path.read_text())
    pairs, lemma_pos = [], defaultdict(set)
    for sid, lemmas in synsets.items():
        pos = sid.rsplit("-", 1)[1]
        pos = "a" if pos == "s" else pos
        lemmas = [lemma for lemma in lemmas if lemma == lemma.lower()]
        for lemma in lemmas:
            lemma_pos[lemma].add(pos)
        for w in lemmas:
            for s in lemmas:
                if w != s:
                    pairs.append((w, s, pos, "oewn"))
    return pairs, lemma_pos


def load_mythes(path: Path):
    """MyThes synonym pairs, and each word's generic terms (hypernyms) for the
    co-hyponym check: month and year share "time unit" but are not synonyms."""
    pairs, generic = [], defaultdict(set)
    with path.open(encoding="utf-8", errors="replace") as f:
        f.readline()  # encoding line
        while True:
            head = f.readline()
            if not head:
                break
            word, n = head.rstrip("\n").rsplit("|", 1)
            for _ in range(int(n)):
                fields = f.readline().rstrip("\n").split("|")
                pos = MYTHES_POS.get(fields[0].strip("()"))
                if pos is None or word != word.lower():
                    continue
                for syn in fields[1:]:
                    src = "mythes"
                    if "(" in syn:
                        if "(generic term)" in syn:
                            # hypernyms: spinners swap range -> vary, organization -> group
                            generic[word].add(syn.split(" (")[0])
                            pairs.append((word, syn.split(" (")[0], pos, "mythes_generic"))
                            continue
                        if "(similar term)" not in syn:
                            continue  # antonyms and related terms are not synonyms
                        syn, src = syn.split(" (")[0], "mythes_similar"
                    if syn != word:
                        pairs.append((word, syn, pos, src))
    return pairs, generic


def phrase_pos(phrase: str, lemma_pos) -> set[str]:
    """WordNet parts of speech of a phrase; a phrase WordNet lacks ("package deal",
    "retail outlet") takes noun from its last word and verb from its first."""
    if phrase in lemma_pos:
        return lemma_pos[phrase]
    words = phrase.split()
    if len(words) < 2:
        return set()
    return (lemma_pos.get(words[-1], set()) & {"n"}) | (lemma_pos.get(words[0], set()) & {"v"})


def load_moby(path: Path, lemma_pos):
    """Moby pairs that share a WordNet part of speech; a pair listed both ways is
    reported twice, once as ``moby_reciprocal`` (a much better sign of a true synonym)."""
    entries = {}
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            words = line.rstrip("\n").split(",")
            entries[words[0]] = set(words[1:])
    pairs = []
    for w, syns in entries.items():
        for s in syns:
            shared = phrase_pos(w, lemma_pos) & phrase_pos(s, lemma_pos)
            reciprocal = w in entries.get(s, ())
            for pos in shared:
                pairs.append((w, s, pos, "moby"))
                if reciprocal:
                    pairs.append((w, s, pos, "moby_reciprocal"))
    return pairs


def keep_pair(w: str, s: str, min_zipf: float, min_zipf_key: float) -> bool:
    if w in STOP or s in STOP or not WORD_RE.match(w) or not WORD_RE.match(s):
        return False
    ws, ss = w.split(), s.split()
    if len(ws) > 3 or len(ss) > 3:
        return False
    shared = set(ws) & set(ss)
    # "package" -> "package deal", "public" -> "general public" are spinner swaps (and
    # their reverse), but "bill" -> "bill of exchange" style partial overlaps are not
    if shared and not (set(ws) < set(ss) or set(ss) < set(ws)):
        return False
    if zipf(w) < min_zipf_key or zipf(s) < min_zipf:
        return False
    return all(zipf(t) >= min_zipf - 0.5 for t in ss)


def inflect(phrase: str, upos: str) -> dict[str, str]:
    """Penn tag -> inflected phrase. Verbs inflect their first word, nouns their last;
    words lemminflect does not know get regular forms (website -> websites)."""
    from lemminflect import getInflection

    words = phrase.split()
    idx = 0 if upos == "VERB" else len(words) - 1
    tags = {"NOUN": ("NN", "NNS"), "VERB": ("VB", "VBD", "VBG", "VBN", "VBZ", "VBP"), "ADJ": ("JJ",), "ADV": ("RB",)}[
        upos
    ]
    out = {}
    for tag in tags:
        forms = getInflection(words[idx], tag=tag, inflect_oov=True) if tag not in ("JJ", "RB") else (words[idx],)
        if forms:
            out[tag] = " ".join(words[:idx] + [forms[0]] + words[idx + 1 :])
    return out


def build(
    thesaurus_dir: Path,
    min_zipf: float = 2.5,
    min_zipf_key: float = 3.0,
    max_per_key: int = 400,
    min_score: float = 1.0,
    min_zipf_moby: float = 3.5,
) -> dict[str, dict[str, float]]:
    oewn_pairs, lemma_pos = load_oewn(thesaurus_dir / "oewn_synsets.json")
    mythes_pairs, generic = load_mythes(thesaurus_dir / "mythes_en_US_v2.dat")
    moby_pairs = load_moby(thesaurus_dir / "moby_thesaurus.txt", lemma_pos)
    print(f"pairs: oewn {len(oewn_pairs):,}  mythes {len(mythes_pairs):,}  moby {len(moby_pairs):,}")

    # evidence per (lemma, synonym, pos); symmetric for WordNet and MyThes
    evidence: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for w, s, pos, src in oewn_pairs + mythes_pairs + moby_pairs:
        for a, b in ((w, s), (s, w)) if src in ("oewn", "mythes", "mythes_similar") else ((w, s),):
            evidence[(a, b, pos)][src] = SOURCE_WEIGHT[src]
    print(f"distinct lemma pairs: {len(evidence):,}")

    table: dict[str, dict[str, float]] = defaultdict(dict)
    keep_cache: dict[tuple[str, str], bool] = {}
    for (w, s, pos), srcs in evidence.items():
        score = sum(srcs.values())
        moby_only = set(srcs) <= {"moby", "moby_reciprocal"}
        if moby_only and generic[w] & generic[s] and ("moby_reciprocal" not in srcs or w in MEASURES or s in MEASURES):
            # co-hyponyms (month/year, week/month) are not synonyms; but pairs Moby lists
            # both ways (money/cash, stay/keep, conference/convention) are exactly what
            # real spinners swap, so only units and numbers stay strict
            continue
        if score < min_score and (not moby_only or zipf(s) < min_zipf_moby):
            continue  # one-way Moby pairs: only frequent replacements
        ok = keep_cache.get((w, s))
        if ok is None:
            ok = keep_cache[(w, s)] = keep_pair(w, s, min_zipf, min_zipf_key)
        if not ok:
            continue
        # pairs attested by several thesauri are the true synonyms; among them, frequent
        # words are what spinners pick most
        # (steep in the evidence, so the many weakly attested options of a word are
        # together drawn less often than its few true synonyms)
        weight = score**4 * (zipf(s) - 2.0)
        upos, tags = POS[pos]
        wf, sf = inflect(w, upos), inflect(s, upos)
        for tag in tags:
            if tag in wf and tag in sf and wf[tag] != sf[tag]:
                key, rep = wf[tag], sf[tag]
                if key in STOP or rep in STOP:
                    continue  # an inflection that hits a function word: ha -> has (hour angles)
                table[key][rep] = max(table[key].get(rep, 0.0), weight)
    # keep the strongest replacements per surface key
    pruned = {}
    for key, reps in table.items():
        best = sorted(reps.items(), key=lambda kv: (-kv[1], kv[0]))[:max_per_key]
        pruned[key] = dict(best)
    return pruned


def spelling_pairs(n_words: int = 60000, min_zipf: float = 2.5) -> list[tuple[str, str]]:
    """American -> British spelling variants attested by wordfreq (organize/organise ...)."""
    from wordfreq import top_n_list

    vocab = set(top_n_list("en", n_words))
    rules = [
        (r"iz(e|es|ed|ing|ation|ations)$", r"is\1"),
        (r"or(s?)$", r"our\1"),
        (r"er(s?)$", r"re\1"),
        (r"yz(e|es|ed|ing)$", r"ys\1"),
        (r"og$", r"ogue"),
        (r"eled$", r"elled"),
        (r"eling$", r"elling"),
        (r"ense$", r"ence"),
    ]
    out = []
    for us in sorted(vocab):
        if len(us) < 5:
            continue
        for pat, rep in rules:
            uk = re.sub(pat, rep, us)
            if uk != us and uk in vocab and zipf(uk) >= min_zipf and zipf(us) >= min_zipf:
                out.append((us, uk))
    # words where the rule hits a different word ("metre"/"meter" fine, "fiber"/"fibre" fine,
    # but "ore"/"or" style accidents are avoided by the length and vocabulary checks)
    return out


def write_table(table: dict[str, dict[str, float]], path: Path, header: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(header)
        for key in sorted(table):
            reps = "\t".join(f"{r}{SEP}{int(round(w * 10))}" for r, w in table[key].items())
            f.write(f"{key}\t{reps}\n")


HEADER = """# restore spinner synonym table, built by tools/build_table.py from:
#  - Moby Thesaurus II by Grady Ward (public domain)
#  - Open English WordNet 2025 (CC BY 4.0; derived from Princeton WordNet, WordNet License),
#    https://en-word.net/
#  - LibreOffice MyThes en_US thesaurus v2 (WordNet-derived; see Debian package mythes-en-us)
# Filtered by word frequency (wordfreq) and inflected with lemminflect.
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--thesaurus-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/thesaurus")
    ap.add_argument("--out-dir", type=Path, default=RESOURCES)
    ap.add_argument("--min-zipf", type=float, default=2.5)
    ap.add_argument("--max-per-key", type=int, default=400)
    args = ap.parse_args(argv)
    table = build(args.thesaurus_dir, min_zipf=args.min_zipf, max_per_key=args.max_per_key)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_table(table, args.out_dir / "synonyms.tsv.gz", HEADER)
    spell = spelling_pairs()
    with gzip.open(args.out_dir / "spelling.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("# American\tBritish spelling variants attested by wordfreq\n")
        f.writelines(f"{us}\t{uk}\n" for us, uk in spell)
    n = sum(len(v) for v in table.values())
    print(f"wrote {len(table):,} keys, {n:,} replacements; {len(spell):,} spelling pairs")


if __name__ == "__main__":
    main()
