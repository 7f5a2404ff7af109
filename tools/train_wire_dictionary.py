"""Train the compression dictionary shipped as ``common/wire/dictionaries/vN.*``.

A dictionary version is two files made from one deterministic corpus
(``common.wire.corpus.realistic_records`` with the fixed ``TRAINING_SEED``; the
benchmark measures on another seed):

* ``vN.vocab.json`` — per leaf name (``locality``, ``given_names``, ``surname``…),
  the strings seen at least ``MIN_COUNT`` times, most frequent first (the act
  encoding writes a small index instead of the string), and the *predictors*:
  a leaf whose value a sibling leaf determines in at least ``MIN_ACCURACY`` of
  the corpus (a locality and its area code) is written as "as predicted";
* ``vN.zdict`` — a zstandard dictionary (256 KiB) trained on batch bodies
  encoded with that vocabulary (what containers actually compress);
* in the vocabulary too, ``structure``: per context of the range-coded batch
  structure (``common/wire/range_coder.py``), the trained probability of a 0;
* and ``date_offsets``: per date column, the median day
  offset from its base (a declarant is born some 37 years before the
  registration), subtracted before writing so that the rest fits two bytes;
* from version 4, ``vN.chars.json``: the character models of strings no
  vocabulary knows (``common/wire/char_model.py``), trained on Faker's name,
  city and job lists of ``CHAR_LOCALES`` — not on the generator's lists, and on
  no locale or list of the benchmark's foreign corpus (``_own_lists``).

A released version is never replaced: new data makes the next version (append it
to ``compression.DICTIONARY_FILES`` and make it current).

Usage::

    .venv/bin/python tools/train_wire_dictionary.py --version 3
    .venv/bin/python tools/train_wire_dictionary.py --version 3 --check   # rebuild & compare
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import zstandard  # noqa: E402

from common.acts.actjson import ActRecord  # noqa: E402
from common.wire import acts_codec, range_coder  # noqa: E402
from common.wire.corpus import TRAINING_SEED, realistic_records  # noqa: E402

OUT = ROOT / "common" / "wire" / "dictionaries"
MIN_COUNT = 3
MAX_WORDS = 16000  # vocabulary indexes stay within two varint bytes (< 16,384)
BATCH = 50
MIN_ACCURACY = 0.9
MIN_DATES = 100  # observations of a date column before its typical offset is trusted
MIN_CONTEXT = 10  # observations of a structure context before its probability is kept
K, D = 64, 6  # zstd COVER parameters, chosen by measurement (docs/container-format.md)


def _strings(value: object, name: str, counts: dict[str, collections.Counter[str]]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _strings(child, key, counts)
    elif isinstance(value, list):
        for item in value:
            _strings(item, name, counts)
    elif isinstance(value, str):
        counts[name][value] += 1


def _groups(value: object, out: list[dict[str, str]]) -> None:
    """Every JSON object's string leaves, to learn which sibling predicts which."""
    if isinstance(value, dict):
        out.append({k: v for k, v in value.items() if isinstance(v, str)})
        for child in value.values():
            _groups(child, out)
    elif isinstance(value, list):
        for item in value:
            _groups(item, out)


def predictors(records: list[ActRecord], string_leaves: set[str]
               ) -> dict[str, dict[str, object]]:
    """Leaf B → {"from": A, "map": {a: b}} when sibling A's value gives B's in most cases."""
    groups: list[dict[str, str]] = []
    for record in records:
        _groups(dict(record.data), groups)
    pairs: dict[tuple[str, str], dict[str, collections.Counter[str]]] = collections.defaultdict(
        lambda: collections.defaultdict(collections.Counter))
    for group in groups:
        for a, va in group.items():
            for b, vb in group.items():
                if a != b and a in string_leaves and b in string_leaves:
                    pairs[(a, b)][va][vb] += 1
    best: dict[str, tuple[float, str, dict[str, str]]] = {}
    for (a, b), by_a in pairs.items():
        total = sum(sum(c.values()) for c in by_a.values())
        table = {va: c.most_common(1)[0][0] for va, c in by_a.items()
                 if sum(c.values()) >= MIN_COUNT}
        hits = sum(by_a[va][vb] for va, vb in table.items())
        accuracy = hits / total if total else 0.0
        if accuracy >= MIN_ACCURACY and total >= 100 and accuracy > best.get(b, (0.0,))[0]:
            best[b] = (accuracy, a, dict(sorted(table.items())))
    return {b: {"from": a, "map": table} for b, (_, a, table) in sorted(best.items())}


def vocabulary(records: list[ActRecord]) -> dict[str, list[str]]:
    """Frequent string values per leaf name (only leaves that are encoded as strings)."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for record in records:
        _strings(dict(record.data), "", counts)
        _strings({"register_number": record.register_number, "status": record.status}, "",
                 counts)
    string_leaves = {name for name, kind in _leaf_kinds() if kind in acts_codec._STRING_KINDS}
    out = {}
    for name in sorted(counts):
        if name not in string_leaves:
            continue
        frequent = [w for w, c in counts[name].items() if c >= MIN_COUNT]
        frequent.sort(key=lambda w: (-counts[name][w], w))
        if frequent:
            out[name] = frequent[:MAX_WORDS]
    return out


def _leaf_kinds() -> list[tuple[str, object]]:
    from common.acts.dictionary import EVENTS, REGISTRATION_FIELDS

    pairs = [(f.name, f.kind) for f in REGISTRATION_FIELDS] + [("status", acts_codec.Kind.TEXT)]
    for ev in EVENTS.values():
        pairs += [(path.rsplit(".", 1)[-1], f.kind) for path, f in ev.leaves()]
    return pairs


def tokens(records: list[ActRecord]) -> dict[str, list[str]]:
    """For name leaves, the frequent words (given names combine a few hundred words)."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for record in records:
        _strings(dict(record.data), "", counts)
    name_leaves = {name for name, kind in _leaf_kinds() if kind == acts_codec.Kind.NAME}
    out = {}
    for name in sorted(name_leaves & set(counts)):
        words: collections.Counter[str] = collections.Counter()
        for value, n in counts[name].items():
            for word in value.split(" "):
                words[word] += n
        frequent = sorted((w for w, c in words.items() if c >= MIN_COUNT and w),
                          key=lambda w: (-words[w], w))
        if frequent:
            out[name] = frequent[:MAX_WORDS]
    return out


def date_offsets(records: list[ActRecord], vocab: acts_codec.Vocabulary) -> dict[str, int]:
    """Per date column, the median day offset from its base (a mother's birth date is
    some 25 years before the registration): subtracted, it leaves a number that fits
    in two bytes instead of three."""
    seen: dict[str, list[int]] = {}
    for i in range(0, len(records), BATCH):
        acts_codec.encode_acts(records[i:i + BATCH], vocab, observe_dates=seen)
    out = {}
    for column, offsets in sorted(seen.items()):
        median = sorted(offsets)[len(offsets) // 2] if len(offsets) >= MIN_DATES else 0
        if abs(median) >= 64:
            out[column] = median
    return out


def structure(records: list[ActRecord], vocab: acts_codec.Vocabulary) -> dict[str, int]:
    """Per structure context (``birth:mother.4|1``: bit 4 of a birth mother's presence
    bitmap after a 1), the starting probability of a 0 for the range coder."""
    counts: dict[str, list[int]] = {}
    for i in range(0, len(records), BATCH):
        acts_codec.encode_acts(records[i:i + BATCH], vocab, observe_structure=counts)
    return {context: range_coder.trained_probability(zeros, ones)
            for context, (zeros, ones) in sorted(counts.items())
            if zeros + ones >= MIN_CONTEXT}


#: Faker locales the character models (``vN.chars.json``, from version 4) learn from:
#: none of the benchmark's (``bench/foreign_corpus.LOCALES``), and a list that one of
#: theirs also uses is left out (``_own_lists``).  Latin, Cyrillic, Arabic and Hebrew
#: scripts; no Greek list exists outside ``el_GR``, so Greek letters are learnt in the batch.
CHAR_LOCALES = ("nl_NL", "sv_SE", "da_DK", "fi_FI", "no_NO", "cs_CZ", "sk_SK", "hu_HU",
                "ro_RO", "hr_HR", "sl_SI", "lt_LT", "lv_LV", "et_EE", "pt_BR", "es_MX",
                "es_AR", "fr_CA", "fr_CH", "de_AT", "de_CH", "id_ID", "sw", "yo_NG", "ha_NG",
                "zu_ZA", "en_NG", "en_KE", "en_IE", "uk_UA", "bg_BG", "mk_MK", "ar_SA",
                "ar_PS", "ar_DZ", "fa_IR", "he_IL", "az_AZ", "vi_VN", "ar_EG", "ar_JO",
                "ar_AE", "ar_BH")
CHAR_SAMPLES = 3000  # values drawn per locale and list
CHAR_SEED = 7_700_001
#: a trained observation weighs what one in the batch does (``char_model.INC``), up to
#: this total per table: a context seen a thousand times adapts little to one batch
CHAR_TABLE_MAX = 8192


#: per provider kind, the words that name the lists its draws read (``first_names_female``,
#: ``last_names``, ``cities``, ``jobs``…).  Only those count when lists are compared: every
#: person provider inherits the base class's ``language_names``, which no draw reads, and
#: counting it left out the person lists of every Latin-script locale (version 4's given
#: name and surname models knew no Latin letter).
DRAWN_LISTS = {"person": ("first_name", "last_name"),
               "address": ("cit", "town", "place", "municipal"),
               "job": ("job",)}


def _lists(provider: object, kind: str) -> list[list[Any] | tuple[Any, ...] | dict[Any, Any]]:
    """The value lists a locale's provider of ``kind`` draws names, cities or jobs from, its
    own or inherited from another locale or the kind's base class."""
    attrs = sorted({attr for cls in type(provider).__mro__ for attr in vars(cls)
                    if any(word in attr for word in DRAWN_LISTS[kind])})
    out = []
    for attr in attrs:
        value = getattr(type(provider), attr)  # what the locale really draws from
        if isinstance(value, list | tuple | dict) and len(value) >= 10:
            out.append(value)
    return out


def _providers(locale: str) -> dict[str, object]:
    from faker import Faker

    fake = Faker(locale)
    return {kind: p for p in fake.factories[0].providers for kind in DRAWN_LISTS
            if type(p).__module__.startswith(f"faker.providers.{kind}")}


def _benchmark_lists() -> dict[str, list[list[Any] | tuple[Any, ...] | dict[Any, Any]]]:
    """Per provider kind, every list a locale of the benchmark's foreign corpus draws from."""
    from bench.foreign_corpus import LOCALES

    if set(CHAR_LOCALES) & set(LOCALES):
        raise SystemExit("a character-model locale is a benchmark locale")
    out: dict[str, list[list[Any] | tuple[Any, ...] | dict[Any, Any]]] = {
        kind: [] for kind in DRAWN_LISTS}
    for locale in LOCALES:
        for kind, p in _providers(locale).items():
            out[kind] += _lists(p, kind)
    return out


def _own_lists() -> dict[tuple[str, str], object]:
    """(locale, provider kind) → a Faker whose lists for that kind no benchmark locale uses."""
    from faker import Faker

    benchmark = {kind: {id(v) for v in lists} for kind, lists in _benchmark_lists().items()}
    out: dict[tuple[str, str], object] = {}
    for locale in CHAR_LOCALES:
        fake = Faker(locale)
        for kind, p in _providers(locale).items():
            if not {id(v) for v in _lists(p, kind)} & benchmark[kind]:
                out[(locale, kind)] = fake
    return out


def _benchmark_values() -> set[str]:
    """Every value (lower-cased) of the benchmark's lists: a training locale's list is another
    object but may hold the same names (``fr_CH`` and ``fr_FR`` share many), and none of
    them may be learnt."""
    values = set()
    for lists in _benchmark_lists().values():
        for values_list in lists:
            values |= {str(v).lower() for v in values_list}
    return values


def char_material() -> dict[str, list[str]]:
    """Strings to learn characters from, per model: "surname", "given", "place", "job"; no
    string that a list of the benchmark holds."""
    import random

    rng = random.Random(CHAR_SEED)
    banned = _benchmark_values()
    material: dict[str, list[str]] = {"surname": [], "given": [], "place": [], "job": []}
    for (_, kind), fake in sorted(_own_lists().items()):
        fake.seed_instance(rng.randrange(1 << 30))  # type: ignore[attr-defined]
        draws = {"person": [("surname", "last_name"), ("given", "first_name")],
                 "address": [("place", "city")], "job": [("job", "job")]}[kind]
        for model, method in draws:
            for _ in range(CHAR_SAMPLES):
                value = getattr(fake, method)()
                if value.lower() not in banned:
                    material[model].append(value)
    return material


def char_leaves() -> dict[str, str]:
    """Leaf name → model: by the dictionary's kind, and for free texts by what they hold."""
    out = {}
    for name, kind in _leaf_kinds():
        if kind == acts_codec.Kind.NAME:
            out[name] = "surname" if "surname" in name else "given"
        elif kind == acts_codec.Kind.TEXT and "occupation" in name:
            out[name] = "job"
        elif kind == acts_codec.Kind.TEXT and ("locality" in name or "place" in name):
            out[name] = "place"
    return dict(sorted(out.items()))


def char_model(strings: list[str]) -> dict[str, object]:
    """PPM tables (``common/wire/char_model.py``) from lower-cased strings."""
    from common.wire import char_model as cm

    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for value in strings:
        low = value.lower()
        if cm.END in low:
            continue
        padded = cm.END + cm.END + low
        for i, ch in enumerate(low + cm.END):
            ctx = padded[i:i + 2]
            counts[ctx][ch] += 1
            counts[ctx[1]][ch] += 1
            counts[""][ch] += 1
    contexts = {}
    for key in sorted(counts):
        table = counts[key]
        symbols = sorted(table)
        raw = [table[s] * cm.INC for s in symbols]
        escape = len(symbols) * cm.INC
        total = sum(raw) + escape
        if total > CHAR_TABLE_MAX:
            raw = [max(1, c * CHAR_TABLE_MAX // total) for c in raw]
            escape = max(1, escape * CHAR_TABLE_MAX // total)
        contexts[key] = ["".join(symbols), raw, escape]
    alphabet = "".join(sorted(set(counts[""]) - {cm.END}))
    return {"alphabet": alphabet, "contexts": contexts}


#: from version 5, the leaf kinds coded in the text stream (``acts_codec.Vocabulary``)
CODED_KINDS = ("bool", "code")


#: Latin → Greek letters for ``_in_greek`` (digraphs first; a rough ELOT 743 read backwards)
_GREEK = (("th", "θ"), ("ch", "χ"), ("ph", "φ"), ("ps", "ψ"), ("ks", "ξ"), ("ou", "ου"),
          ("ee", "η"), ("oo", "ω"), ("a", "α"), ("b", "β"), ("c", "κ"), ("d", "δ"),
          ("e", "ε"), ("f", "φ"), ("g", "γ"), ("h", "χ"), ("i", "ι"), ("j", "ι"), ("k", "κ"),
          ("l", "λ"), ("m", "μ"), ("n", "ν"), ("o", "ο"), ("p", "π"), ("q", "κ"), ("r", "ρ"),
          ("s", "σ"), ("t", "τ"), ("u", "ου"), ("v", "β"), ("w", "ου"), ("x", "ξ"), ("y", "υ"),
          ("z", "ζ"))
_TONOS = dict(zip("αεηιουω", "άέήίόύώ", strict=True))
#: from version 5, one Latin-script training value in this many is also learnt in Greek
GREEK_EVERY = 4


def _in_greek(value: str) -> str | None:
    """A Latin-script name written in Greek letters, a stress mark on the last vowel but one
    of each word, a final sigma ``ς``; None if it is not plain Latin.

    No Faker list outside the benchmark's ``el_GR`` is Greek, and a model that has never seen
    a Greek letter pays a 21-bit code point for each new one in every batch: names of other
    countries spelt in Greek letters give the model the alphabet and rough frequencies,
    without learning a single Greek name."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", value.lower())
                    if not unicodedata.combining(c))
    if not plain or not all("a" <= c <= "z" or c in " -'" for c in plain):
        return None
    words = []
    for word in plain.split(" "):
        out, i = [], 0
        while i < len(word):
            for latin, greek in _GREEK:
                if word.startswith(latin, i):
                    out.append(greek)
                    i += len(latin)
                    break
            else:
                out.append(word[i])
                i += 1
        text = "".join(out)
        vowels = [k for k, c in enumerate(text) if c in _TONOS]
        if len(vowels) >= 2:
            k = vowels[-2]
            text = text[:k] + _TONOS[text[k]] + text[k + 1:]
        if text.endswith("σ"):
            text = text[:-1] + "ς"
        words.append(text)
    return " ".join(words)


def chars(version: int) -> dict[str, object]:
    material = char_material()
    greek = 0
    if version >= 5:
        for strings in material.values():
            extra = [g for g in map(_in_greek, strings[::GREEK_EVERY]) if g is not None]
            strings.extend(extra)
            greek += len(extra)
    models = {name: char_model(strings) for name, strings in material.items()}
    models["*"] = char_model([s for strings in material.values() for s in strings])
    coded = {"coded_kinds": list(CODED_KINDS)} if version >= 5 else {}
    return {"models": models, "leaves": char_leaves(), **coded,
            "trained_on": {"faker_locales": sorted({loc for loc, _ in _own_lists()}),
                           "samples_per_list": CHAR_SAMPLES, "seed": CHAR_SEED,
                           **({"greek_transliterations": greek} if version >= 5 else {})}}


def train(n: int, size: int, seed: int = TRAINING_SEED, version: int = 3
          ) -> tuple[bytes, bytes, bytes | None]:
    records = realistic_records(n, seed=seed)
    words = vocabulary(records)
    string_leaves = {name for name, kind in _leaf_kinds() if kind in acts_codec._STRING_KINDS}
    data = {"words": words, "predictors": predictors(records, string_leaves),
            "tokens": tokens(records)}
    char_data = chars(version) if version >= 4 else None
    data["date_offsets"] = date_offsets(records, acts_codec.Vocabulary.from_json(data, char_data))
    data["structure"] = structure(records, acts_codec.Vocabulary.from_json(data, char_data))
    vocab = acts_codec.Vocabulary.from_json(data, char_data)
    samples = [acts_codec.encode_acts(records[i:i + BATCH], vocab)
               for i in range(0, len(records), BATCH)]
    zdict = zstandard.train_dictionary(size, samples, level=19, k=K, d=D, threads=1,
                                       dict_id=0x45435200 + version)
    vocab_json = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8")
    chars_json = (None if char_data is None else
                  json.dumps(char_data, ensure_ascii=False, separators=(",", ":"),
                             sort_keys=True).encode("utf-8"))
    return zdict.as_bytes(), vocab_json, chars_json


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--version", type=int, required=True)
    parser.add_argument("--acts", type=int, default=200_000)
    parser.add_argument("--size", type=int, default=256 * 1024)
    parser.add_argument("--check", action="store_true",
                        help="rebuild and compare with the shipped files instead of writing")
    args = parser.parse_args()
    zdict, vocab, chars_json = train(args.acts, args.size, version=args.version)
    targets = {OUT / f"v{args.version}.zdict": zdict, OUT / f"v{args.version}.vocab.json": vocab}
    if chars_json is not None:
        targets[OUT / f"v{args.version}.chars.json"] = chars_json
    if args.check:
        same = all(p.exists() and p.read_bytes() == data for p, data in targets.items())
        print(f"v{args.version}: {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    if any(p.exists() for p in targets):
        print(f"v{args.version} exists; released dictionaries are never replaced", file=sys.stderr)
        return 1
    for path, data in targets.items():
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    print(f"from {args.acts} acts, seed {TRAINING_SEED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
