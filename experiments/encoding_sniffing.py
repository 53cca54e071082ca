"""Would charset-normalizer tell text from what restore cannot read better than the
hand-written sniffing of ``restore.formats.text`` (issue 30, item 7)?

Each case is the first 8 KB of an input ``restore run`` meets, with what it is. The
check restore makes (``unreadable_reason``: UTF-32 / UTF-16 / binary / readable) is set
against charset-normalizer's best guess read the same way (``utf_32*``, ``utf_16*``,
none: binary, else readable); its guessed encoding is shown too, for the inputs that are
not UTF-8, where it would name the encoding to convert from. (Before this study restore's
check was hand-written: a byte-order mark, or NUL bytes at every other place; it now asks
charset-normalizer where a wide encoding shows in the bytes.)

    python experiments/encoding_sniffing.py
"""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

from charset_normalizer import from_bytes

from restore.formats.text import SNIFF_BYTES, unreadable_reason

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "dev.jsonl"


def cases() -> list[tuple[str, bytes, str]]:
    rows = [json.loads(line) for line in REAL.open(encoding="utf-8")]
    news = "\n".join(r["original"] for r in rows[:40])
    curly = news.replace("'", "\u2019").replace(' "', " \u201c").replace('" ', "\u201d ")
    short = "The House passed the bill.\n"
    rng = random.Random(0)
    out = [
        ("UTF-8 news", news.encode(), "readable"),
        ("UTF-8 news, curly quotes", curly.encode(), "readable"),
        ("UTF-8 with BOM", b"\xef\xbb\xbf" + news.encode(), "readable"),
        ("UTF-8, one short line", short.encode(), "readable"),
        ("UTF-8, French", ("Le café coûte très cher à Genève, déclare le ministre.\n" * 20).encode(), "readable"),
        ("UTF-8, Chinese", ("东京都知事星期二表示，该计划将耗资五百万美元。\n" * 20).encode(), "readable"),
        ("UTF-8 with ANSI colour codes", ("\x1b[31mred\x1b[0m " + short).encode() * 20, "readable"),
        ("UTF-16 LE with BOM", curly.encode("utf-16"), "UTF-16"),
        ("UTF-16 LE, no BOM", curly.encode("utf-16-le"), "UTF-16"),
        ("UTF-16 BE, no BOM", curly.encode("utf-16-be"), "UTF-16"),
        ("UTF-16 LE, one short line", short.encode("utf-16-le"), "UTF-16"),
        (
            "UTF-16 LE, no BOM, Chinese",
            ("东京都知事星期二表示，该计划将耗资五百万美元。\n" * 20).encode("utf-16-le"),
            "UTF-16",
        ),
        (
            "UTF-16 LE, no BOM, Russian",
            ("Министр заявил во вторник, что план обойдётся в пять миллионов.\n" * 20).encode("utf-16-le"),
            "UTF-16",
        ),
        ("UTF-16 LE, no BOM, one Chinese line, no newline", "东京都知事星期二表示".encode("utf-16-le"), "UTF-16"),
        ("UTF-32 with BOM", curly.encode("utf-32"), "UTF-32"),
        ("UTF-32 LE, no BOM", curly.encode("utf-32-le"), "UTF-32"),
        ("gzip", gzip.compress(news.encode()), "binary"),
        ("random bytes", bytes(rng.randrange(256) for _ in range(SNIFF_BYTES)), "binary"),
        ("PNG header + data", b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "binary"),
        ("ELF header", b"\x7fELF\x02\x01\x01" + b"\x00" * 100 + os.urandom(500), "binary"),
        ("cp1252 news (curly quotes)", curly.encode("cp1252", errors="replace"), "readable"),
        ("Latin-1 French", ("Le café coûte très cher à Genève.\n" * 20).encode("latin-1"), "readable"),
        ("UTF-8 with one Latin-1 byte", curly.encode()[:4000] + "café".encode("latin-1"), "readable"),
        ("Mac Roman news", curly.encode("mac_roman", errors="replace"), "readable"),
        ("Latin-1, four bytes", "café".encode("latin-1"), "readable"),
        ("Latin-1, one short line", "Le café.\n".encode("latin-1"), "readable"),
    ]
    return [(name, data[:SNIFF_BYTES], truth) for name, data, truth in out]


def ours(head: bytes) -> str:
    reason = unreadable_reason(head)
    if reason is None:
        return "readable"
    return reason.split(" ")[0].replace("binary", "binary")


def theirs(head: bytes) -> tuple[str, str | None]:
    best = from_bytes(head).best()
    if best is None:
        return "binary", None
    if best.encoding.startswith("utf_32"):
        return "UTF-32", best.encoding
    if best.encoding.startswith("utf_16"):
        return "UTF-16", best.encoding
    return "readable", best.encoding


def main() -> None:
    right = {"ours": 0, "charset-normalizer": 0}
    print("| input | truth | restore's sniffing | charset-normalizer | its encoding guess |")
    print("|---|---|---|---|---|")
    all_cases = cases()
    for name, head, truth in all_cases:
        a = ours(head)
        b, guess = theirs(head)
        right["ours"] += a == truth
        right["charset-normalizer"] += b == truth
        mark = lambda v: v if v == truth else f"**{v}**"  # noqa: E731
        print(f"| {name} | {truth} | {mark(a)} | {mark(b)} | {guess} |")
    print(
        f"\nright: restore {right['ours']}/{len(all_cases)}, charset-normalizer {right['charset-normalizer']}/{len(all_cases)}"
    )


if __name__ == "__main__":
    main()
