"""Name lists of the corpus generator, ranked by frequency, and their Zipf tables.

A register is not a uniform draw from a short list: a few surnames are very
common (in Senegal Diop, Ndiaye, Fall, Diallo each carry several per cent of
the population), and a long tail of rare ones each names a handful of people.
Search, duplicate detection and compression all behave differently on such a
corpus than on a few hundred equally common names, so the generator draws from
Zipf–Mandelbrot tables: the name of rank ``i`` (0 = most common, the order
written below) is drawn with weight ``1 / (i + OFFSET)``.

The lists are real names (West and Central African, Malagasy, Maghreb, French,
Lusophone, Lebanese, Arabic, Cyrillic and Chinese script), written most
common first, as far as the public frequency lists we know go; the tail adds
Malagasy names built the way Malagasy names are built (prefix ``Ra``/``Andria``
+ stems), and hyphenated double surnames (``Diop-Sall``, ``Martin-Dubois``),
each of them rare.  A table is a plain tuple in which a name appears in
proportion to its weight, so the generator's hot path stays one uniform draw.
Everything is computed at import, deterministically (fixed seeds).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

#: Zipf–Mandelbrot offset: the most common name of a list is drawn about
#: ``1 / (OFFSET × H)`` of the time (≈ 6 % for a list of a few thousand names).
OFFSET = 2.0
#: A table gives its rarest name this many entries at least (more = finer weights).
_RAREST = 1


def split(text: str) -> tuple[str, ...]:
    """Split a list on "|" (names may hold spaces)."""
    return tuple(x.strip() for x in text.split("|") if x.strip())


def ranked(*lists: Sequence[str]) -> tuple[str, ...]:
    """Concatenate lists in rank order, keeping the first occurrence of each name."""
    return tuple(dict.fromkeys(n for names in lists for n in names))


def zipf_table(names: Sequence[str], *, offset: float = OFFSET) -> tuple[str, ...]:
    """A lookup table where ``names[i]`` appears in proportion to ``1 / (i + offset)``.

    One uniform index into it draws a name with Zipf–Mandelbrot frequencies.
    Every name appears at least once, so every name of the list can be drawn.
    """
    last = len(names) - 1 + offset
    return tuple(name for i, name in enumerate(names)
                 for _ in range(max(_RAREST, round(_RAREST * last / (i + offset)))))


def tail(rng: random.Random, *lists: Sequence[str]) -> tuple[str, ...]:
    """Rare names appended after the ranked ones, in a seeded shuffled order."""
    out = list(ranked(*lists))
    rng.shuffle(out)
    return tuple(out)


def double_surnames(rng: random.Random, base: Sequence[str], n: int,
                    top: int = 120) -> tuple[str, ...]:
    """``n`` hyphenated double surnames made of two of the ``top`` commonest names."""
    pool = [s for s in base[:top] if " " not in s]
    out: dict[str, None] = {}
    while len(out) < n:
        a, b = rng.choice(pool), rng.choice(pool)
        if a != b:
            out[f"{a}-{b}"] = None
    return tuple(out)


# --- Malagasy: names built from a prefix and one or two stems --------------------------
_MG_PREFIX = ("Ra", "Ra", "Ra", "Andria", "Randria", "Razafi", "Rako", "Rasoa", "Rabe", "Ravelo")
_MG_STEM = split("""koto|soa|nirina|mampionona|malala|manana|tiana|nomenjanahary|solofo|
vololona|harisoa|zafy|velo|mahefa|fenitra|niaina|hasina|tsara|lalao|mamy|noro|haja|
faly|andro|arivelo|arisoa|rivo|tahiry|ndrasana|mboahangy|fidy|jaona|lanto|voahangy|
seheno|naivo|herizo|rindra|hanitra|miora|tsiory|toky|rado|maminiaina|ony|nantenaina|
fanja|ando|vonjy|tojo|ntsoa|mihaja|mbola|kely|be|lahy|vao|ravo|fara|nasolo|vola""")


def malagasy_surnames(n: int, seed: int = 261) -> tuple[str, ...]:
    """``n`` distinct Malagasy-formed surnames (Rakotomalala, Andrianasolo, Razafimahefa…)."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        stem = rng.choice(_MG_STEM)
        if rng.random() < 0.45:
            stem += rng.choice(_MG_STEM)
        prefix = rng.choice(_MG_PREFIX)
        name = prefix + stem
        if prefix.endswith("a") and stem[0] in "aeiouy":
            name = prefix[:-1] + stem  # Ra + arisoa → Rarisoa, as written
        if len(name) <= 30:
            out[name[0].upper() + name[1:]] = None
    return tuple(out)


def malagasy_given(n: int, seed: int = 262) -> tuple[str, ...]:
    """``n`` distinct Malagasy given names (Fanomezantsoa, Hasinirina, Tojoniaina…)."""
    rng = random.Random(seed)
    heads = split("""Fanomezana|Hasi|Toky|Tojo|Miora|Fitia|Hery|Haja|Mamy|Fara|Lova|Tiana|
    Ando|Mialy|Nomena|Rova|Sitraka|Hanitra|Voahirana|Fenosoa|Onja|Aina|Lanto|Tsiory|Fy""")
    tails = split("soa|nirina|niaina|tiana|harisoa|mahefa|zo|fanja|hasina|vola|rindra|ony")
    out: dict[str, None] = {}
    while len(out) < n:
        name = rng.choice(heads) + rng.choice(tails)
        out[name] = None
    return tuple(out)


# --- Chinese: two-character given names from common characters -----------------------
_ZH_CHARS = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
             "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "辉", "宇",
             "浩", "然", "子", "轩", "梓", "涵", "欣", "怡", "诗", "雨", "桐", "俊", "婉", "婷",
             "志", "国", "建", "文", "德", "晨", "思", "佳", "嘉", "慧", "琳", "博", "泽", "昊")


def chinese_given(n: int, seed: int = 263) -> tuple[str, ...]:
    rng = random.Random(seed)
    out: dict[str, None] = {c: None for c in _ZH_CHARS[:20]}
    while len(out) < n:
        a, b = rng.choice(_ZH_CHARS), rng.choice(_ZH_CHARS)
        if a != b:
            out[a + b] = None
    return tuple(out)
