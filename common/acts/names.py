"""Search keys for names: accent- and case-insensitive, typo-tolerant, any script.

The database stores these keys next to each act so that name search needs no
PostgreSQL extension (no unaccent, no fuzzystrmatch): equality or prefix on a
key column, with a plain b-tree index.  The same functions compute the keys of
the query, so both sides always agree.

* ``search_key("N'Diaye")`` → ``"n diaye"``: NFKD, combining marks stripped,
  case folded, ligatures and stroked letters spelled out (æ→ae, œ→oe, ø→o, ł→l,
  đ→d…), apostrophes, hyphens and any other non-letter turned to single spaces.
* ``compact_key`` is the search key without spaces: "N'Diaye" = "Ndiaye",
  "Jean-Pierre" = "Jeanpierre".  Duplicate detection compares compact keys.
* ``phonetic_key`` is a French-aware sound key for Latin-script names
  (a simplified Soundex-FR/Phonex: "Mohamed" = "Mouhamed", "Ousmane" = "Usman",
  "Chérif" = "Sherif", "Laurent" = "Lorand"); names in other scripts get their
  compact key, so they still match exactly (after normalisation).
* ``name_tokens`` are the words of a name for word search; an elided particle
  ("N'", "D'", "L'") is glued to the next word, which is also kept alone, so
  "D'Almeida" is found by "dalmeida" and by "almeida".

Never loses a name: a key of a non-empty name is never empty if the name has a
letter in any script.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

# Letters NFKD does not decompose, spelled the way people type them without the key.
# (SPELLED, REWRITES, CLASSES and VOWELS are public: tools/gen_act_sql.py writes them
# into the centre database, which computes the same keys: common/acts/sqlgen.py.)
SPELLED = str.maketrans(
    {
        "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
        "ı": "i", "ŀ": "l", "ħ": "h", "ŧ": "t", "ŋ": "ng", "ɖ": "d", "ɗ": "d",
        "ɓ": "b", "ƴ": "y", "ƙ": "k", "ɛ": "e", "ɔ": "o", "ʃ": "sh", "ß": "ss",
        "\u0640": "",  # Arabic tatweel: elongation only, not a letter
    }
)  # fmt: skip


@lru_cache(maxsize=65536)
def search_key(name: str) -> str:
    """The normalised form of a name used for search (see module docstring)."""
    decomposed = unicodedata.normalize("NFKD", name)
    out: list[str] = []
    for ch in decomposed.casefold().translate(SPELLED):
        cat = unicodedata.category(ch)
        if cat[0] == "M":  # combining accents, Arabic harakat…
            continue
        if cat[0] == "L" or cat == "Nd":
            out.append(ch)
        else:  # apostrophes, hyphens, spaces, punctuation: word boundaries
            out.append(" ")
    return " ".join("".join(out).split())


def compact_key(name: str) -> str:
    """The search key without word boundaries: "N'Diaye" and "Ndiaye" are equal."""
    return search_key(name).replace(" ", "")


def name_tokens(name: str) -> tuple[str, ...]:
    """The distinct words of a name, elided particles glued to the next word."""
    words = search_key(name).split()
    tokens: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if len(w) == 1 and w.isascii() and i + 1 < len(words):
            tokens.append(w + words[i + 1])
            tokens.append(words[i + 1])
            i += 2
            continue
        tokens.append(w)
        i += 1
    return tuple(dict.fromkeys(tokens))


# --- the phonetic key ---------------------------------------------------------------

LATIN = re.compile(r"[a-z]+")

# Ordered rewrites of French spelling (and of the French transliteration of
# African and Arabic names) into a reduced phoneme alphabet.  Upper case letters
# are phonemes already decided: C = the "ch" sound, K = hard k/g placeholder.
REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"([a-z])\1+", r"\1"),  # doubled letters: Diallo = Dialo, Mohammed = Mohamed
        (r"sch|sh|ch", "C"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"gu(?=[eiy])", "K"),  # Guérin: hard g
        (r"g(?=[eiy])", "j"),  # Georges: soft g
        (r"gn", "ni"),
        (r"qu|ck|q", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"h", ""),  # silent h: Mohamed = Moamed
        (r"eau|au", "o"),
        (r"ou|oo|w", "u"),  # Moussa = Musa, Ouattara = Wattara
        (r"y", "i"),
        (r"(?<=[a-z])[stdx]$", ""),  # silent final consonant: Laurent = Lauren
        (r"(?<=[a-z])e$", ""),  # silent final e
    )
)

#: The sound class of each letter left by the rewrites (vowels aside).
CLASSES: Mapping[str, str] = MappingProxyType(
    {
        "b": "P", "p": "P", "k": "K", "K": "K", "g": "K", "d": "T", "t": "T", "l": "L",
        "m": "N", "n": "N", "r": "R", "j": "J", "s": "S", "f": "F", "v": "F", "C": "C",
    }
)  # fmt: skip
_CLASSES = str.maketrans(dict(CLASSES))
VOWELS = frozenset("aeiou")


def _phonetic_word(word: str) -> str:
    s = word
    for pattern, replacement in REWRITES:
        s = pattern.sub(replacement, s)
    if not s:
        return word[:1].upper()
    first = "A" if s[0] in VOWELS else s[0].translate(_CLASSES)
    rest = "".join(ch.translate(_CLASSES) for ch in s[1:] if ch not in VOWELS)
    key = first + rest
    return re.sub(r"(.)\1+", r"\1", key)


@lru_cache(maxsize=65536)
def phonetic_key(name: str) -> str:
    """A sound key: equal for spellings that sound alike in French (module docstring).

    Computed on the compact key, so particles and hyphens do not matter; a name
    with any non-Latin letter gets its compact key instead.
    """
    compact = compact_key(name)
    if not compact or not LATIN.fullmatch(compact):
        return compact
    return _phonetic_word(compact)


def phonetic_tokens(name: str) -> tuple[str, ...]:
    """The phonetic key of each token of ``name_tokens`` (typo-tolerant word search)."""
    return tuple(dict.fromkeys(phonetic_key(t) for t in name_tokens(name)))
