"""A corpus of acts whose names and places no one has ever written: made-up words.

    PYTHONPATH=. .venv/bin/python bench/adversarial_corpus.py 2000 --out /tmp/adversarial.jsonl

``bench/foreign_corpus.py`` measures on real names ECR did not make; this one goes
further and measures on names that no list anywhere holds, so that nothing a
dictionary, vocabulary or model learned from names can help it.  The acts'
structure (event types, dates, codes, the registration envelope) comes from the
project's generator; every NAME and every place or occupation TEXT (chosen from
the data dictionary's kinds by ``foreign_corpus._what``, never listed here) is
replaced by a pronounceable string made of random syllables:

* 1 to 4 syllables from random consonant/vowel patterns, sometimes two words or
  two hyphenated parts;
* a case chosen per value: lower, Title, UPPER, or mixed letter by letter
  ("mcKAy");
* some Latin letters accented (a base letter composed with a combining mark),
  and about 5 % of the values in Greek or Cyrillic letters.

The letters come from alphabets (code-point ranges and the vowels of each
script), never from a word or name list: this module must share no list with
the generator, ``foreign_corpus`` or any training material.  The same generated
value always becomes the same made-up value (the corpus keeps the generator's
repetitions); two different values never become the same one, nor one that the
generator itself wrote.  Each act is checked again with the dictionary's
validator; invalid ones are dropped and counted.

Output: one full ``ecr-act/1`` record per line (validated, with NIU), the format
``bench/container.py --corpus`` reads.  Needs the ``bench`` extra (it imports
``foreign_corpus``, which imports Faker).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import string
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.foreign_corpus import _paths, _what  # noqa: E402
from common.acts.actjson import ActRecord  # noqa: E402
from common.acts.dictionary import event  # noqa: E402
from common.acts.validation import validate  # noqa: E402
from common.wire.corpus import CORPUS_TODAY, realistic_records  # noqa: E402

#: A seed of its own (not the dictionary's training seed, the generator's or Faker's).
SEED = 7_310_009


@dataclasses.dataclass(frozen=True)
class Script:
    """The letters one script writes syllables with."""

    vowels: str
    consonants: str


def _letters(first: str, last: str, skip: str = "") -> str:
    return "".join(chr(c) for c in range(ord(first), ord(last) + 1) if chr(c) not in skip)


_LATIN_VOWELS = "aeiouy"
LATIN = Script(_LATIN_VOWELS, "".join(c for c in string.ascii_lowercase
                                      if c not in _LATIN_VOWELS))
# Greek α…ω without the final sigma (a word-final form, not a letter of its own).
_GREEK_VOWELS = "αεηιουω"
GREEK = Script(_GREEK_VOWELS, _letters("α", "ω", skip=_GREEK_VOWELS + "ς"))
# Cyrillic а…я without the hard and soft signs (they are not sounds).
_CYRILLIC_VOWELS = "аеиоуыэюя"
CYRILLIC = Script(_CYRILLIC_VOWELS, _letters("а", "я", skip=_CYRILLIC_VOWELS + "ъь"))

#: Combining marks a Latin letter may carry (acute, grave, circumflex, tilde,
#: diaeresis, cedilla, caron); only those that compose to one letter are kept.
_MARKS = "\u0301\u0300\u0302\u0303\u0308\u0327\u030c"
#: Syllable shapes: C a consonant, V a vowel.
_SHAPES = ("CV", "CV", "CV", "CVC", "CVC", "V", "VC", "CVV")
#: Share of values in another script, and of Latin letters that take an accent.
OTHER_SCRIPT = 0.05
ACCENTED = 0.04


def _accent(letter: str, rng: random.Random) -> str:
    composed = unicodedata.normalize("NFC", letter + rng.choice(_MARKS))
    # One letter in both cases (ẗ has no capital of its own: T̈ is two code points).
    return composed if len(composed) == len(composed.upper()) == 1 else letter


def _syllable(script: Script, rng: random.Random) -> str:
    out = []
    for slot in rng.choice(_SHAPES):
        letter = rng.choice(script.vowels if slot == "V" else script.consonants)
        if script is LATIN and rng.random() < ACCENTED:
            letter = _accent(letter, rng)
        out.append(letter)
    return "".join(out)


def _word(script: Script, rng: random.Random) -> str:
    # Fewer long words than short ones, as in any language.
    count = rng.choices((1, 2, 3, 4), weights=(2, 5, 3, 1))[0]
    word = "".join(_syllable(script, rng) for _ in range(count))
    return word if len(word) > 1 else word + _syllable(script, rng)


def _cased(text: str, rng: random.Random) -> str:
    """A case chosen per value: lower, Title, UPPER, or mixed letter by letter."""
    style = rng.choices(("lower", "title", "upper", "mixed"), weights=(2, 4, 2, 2))[0]
    if style == "lower":
        return text.lower()
    if style == "title":
        return text.title()
    if style == "upper":
        return text.upper()
    mixed = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    # A "mixed" value that came out all one case is not mixed: force one change.
    if mixed in (text.lower(), text.upper()):
        i = next((i for i, c in enumerate(mixed) if c.isalpha()), 0)
        mixed = mixed[:i] + mixed[i].swapcase() + mixed[i + 1:]
    return mixed


def made_up(rng: random.Random) -> str:
    """One pronounceable, never-seen value: one word, or two (space or hyphen)."""
    script = LATIN
    if rng.random() < OTHER_SCRIPT:
        script = rng.choice((GREEK, CYRILLIC))
    text = _word(script, rng)
    joint = rng.random()
    if joint < 0.08:
        text += " " + _word(script, rng)
    elif joint < 0.14:
        text += "-" + _word(script, rng)
    return _cased(text, rng)


def _strings(data: Any) -> Iterator[str]:
    for _, container, key in _paths(data):
        value = container[key]
        if isinstance(value, str):
            yield value


def adversarial(record: ActRecord, rng: random.Random, seen: dict[tuple[str, str], str],
                taken: set[str]) -> ActRecord:
    """The act with its names, places and occupations replaced by made-up values.

    ``seen`` maps a generated value to its made-up one (consistent within the
    corpus); ``taken`` holds, case-folded, every made-up value and every string
    the generator wrote, so that a new value is never one of them.
    """
    kinds = dict(event(record.event_type).leaves())
    data = json.loads(json.dumps(record.data))
    for path, container, key in list(_paths(data)):
        field = kinds.get(path)
        original = container[key]
        if field is None or not isinstance(original, str):
            continue
        what = _what(field.name, field.kind)
        if what is None or field.pattern:  # a coded text (ISCO…) keeps its code
            continue
        value = seen.get((what, original))
        if value is None:
            while True:
                value = made_up(rng)
                if field.max_length:
                    # Trimmed to the field, without a dangling joint.
                    value = value[:field.max_length].rstrip(" -")
                if value.casefold() not in taken:
                    break
            taken.add(value.casefold())
            seen[(what, original)] = value
        container[key] = value
    return dataclasses.replace(record, data=data)


def build(n: int, seed: int = SEED) -> tuple[list[ActRecord], int]:
    """``n`` generated acts made adversarial: (the valid ones, how many were dropped)."""
    rng = random.Random(seed)
    records = realistic_records(n, seed=seed, centre_code="224200")
    taken = {s.casefold() for record in records for s in _strings(record.data)}
    seen: dict[tuple[str, str], str] = {}
    kept, dropped = [], 0
    for record in records:
        changed = adversarial(record, rng, seen, taken)
        report = validate(changed.event_type, changed.data, today=CORPUS_TODAY,
                          registered_on=changed.registered_on)
        if report.errors:
            dropped += 1
            continue
        kept.append(changed)
    return kept, dropped


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("n", type=int)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args()
    records, dropped = build(args.n, args.seed)
    with Path(args.out).open("wb") as out:
        for r in records:
            out.write(r.to_json() + b"\n")
    json.dump({"acts": len(records), "dropped_invalid": dropped, "out": args.out}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
