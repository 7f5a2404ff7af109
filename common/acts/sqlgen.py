"""The data dictionary as SQL: what the centre database needs to check and derive an act.

``generate()`` returns the text of a centre migration (``tools/gen_act_sql.py``
writes it) holding, derived from ``common/acts`` and nothing else:

* ``ecr.act_fields``: every field and group of every event (the parent group,
  the name, the generic path, the kind, required, the codes of its code list,
  bounds, pattern, repeat counts, the event a NIU links to, the labels);
  ``ecr.act_one_of`` (at least one of …) and ``ecr.act_events`` (the persons
  an act is about, as ``EventType`` declares them);
* ``ecr._act_constants()``: the formats of dates, times, ICD-10 codes and NIUs,
  the oldest date, the size cap of an act, the default national rules and the
  constants of the plausibility rules;
* the Unicode tables of ``structure.py`` and ``names.py``, from Python's own
  ``unicodedata``: control characters, white space, the characters a name may
  hold (``ecr._act_text_problem``), and the search keys of names
  (``ecr.act_name_chars``, the NFKD/case-fold/spelled-out form of each character
  that changes, with ``ecr.name_search_key``), the phonetic rewrites
  (``ecr._phonetic_word``).

The hand-written SQL of migration 0402 (its plausibility rules as 0422 has
them) walks an act with these tables and mirrors the algorithms of
``structure``, ``plausibility``, ``names``, ``summary`` and
``validation.check_link``; ``tests/centre/test_act_sql.py``
holds it equal to ``derived.derive`` on a corpus.  No field is named here: it
walks the dictionary.  Pure: returns text, writes nothing.
"""

# ruff: noqa: S608 -- this module writes DDL from the dictionary and constants, never user input

from __future__ import annotations

import bisect
import dataclasses
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from common.acts import names, niu, plausibility, structure
from common.acts.actjson import MAX_ACT_BYTES
from common.acts.dictionary import CODE_LISTS, COUNTRIES, DICTIONARY_VERSION, EVENTS, NOT_STATED
from common.acts.model import EventType, Field, Group, Kind
from common.acts.rules import DEFAULT_RULES
from common.acts.validation import LINK_TARGETS

_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)
_HANGUL = range(0xAC00, 0xD7A4)  # decomposed by arithmetic in SQL (ecr.name_search_key)
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: The list of ecr.act_code_lists a COUNTRY field takes its codes from (ISO 3166-1).
COUNTRY_LIST = "iso3166"


def _lit(value: object) -> str:
    """A SQL literal of a str, int, bool, None or list of str."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a SQL text cannot hold NUL")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        if not value:
            return "'{}'::text[]"
        return "ARRAY[" + ", ".join(_lit(v) for v in value) + "]"
    raise TypeError(value)


# ------------------------------------------------------------------ the dictionary
def _rows(ev: EventType) -> Iterator[tuple[object, ...]]:
    position = 0

    def walk(group: Group, gpath: str) -> Iterator[tuple[object, ...]]:
        nonlocal position
        for child in group.ordered():
            position += 1
            sep = "" if gpath == "" else ("[]." if group.repeated and gpath else ".")
            path = gpath + sep + child.name if gpath else child.name
            if isinstance(child, Field):
                codes = COUNTRY_LIST if child.kind is Kind.COUNTRY else child.code_list
                target = LINK_TARGETS.get(child.name) if child.kind is Kind.NIU else None
                if child.kind is Kind.NIU and target is None:
                    raise ValueError(f"{ev.key}.{path}: a NIU field must say what it links to")
                if child.pattern is not None and not _SAFE_PATTERN.fullmatch(child.pattern):
                    raise ValueError(f"{ev.key}.{path}: pattern not known to mean the same in SQL")
                yield (ev.key, gpath, child.name, path, position, "field", child.kind.value,
                       child.required, codes, child.minimum, child.maximum, child.max_length,
                       child.pattern, None, None, target, child.label.fr, child.label.en)
            else:
                node = "list" if child.repeated else "group"
                yield (ev.key, gpath, child.name, path, position, node, None, child.required,
                       None, None, None, None, None, child.repeat_min, child.repeat_max, None,
                       child.label.fr, child.label.en)
                yield from walk(child, path)

    yield from walk(ev.root, "")


def _checked_rows(ev: EventType) -> list[tuple[object, ...]]:
    rows = list(_rows(ev))
    leaves = {row[3] for row in rows if row[5] == "field"}
    if leaves != {path for path, _ in ev.leaves()}:
        raise ValueError(f"{ev.key}: the generic paths differ from EventType.leaves()")
    return rows


def _one_of(ev: EventType) -> Iterator[tuple[object, ...]]:
    def groups() -> Iterator[tuple[str, Group]]:
        yield "", ev.root
        yield from ev.groups()

    for gpath, group in groups():
        for i, alternatives in enumerate(group.one_of, 1):
            yield ev.key, gpath, i, list(alternatives)


# Field patterns this generator knows to mean the same in Python's re and in a
# PostgreSQL ARE anchored by ^(?: … )$: character classes of ASCII, counts.
_SAFE_PATTERN = re.compile(r"(?:\[[0-9A-Za-z\-]+\]|[0-9A-Za-z]|\{[0-9]+(?:,[0-9]+)?\})+")


def _ranges_insert(rows: list[tuple[object, ...]]) -> str:
    lines = [f"({_lit(c)}, {a}, {b})" for c, a, b in rows]
    return ("INSERT INTO ecr.act_char_ranges (class, span)\nSELECT class, int4range(lo, hi, '[]')"
            " FROM (VALUES\n    " + ",\n    ".join(lines) + ") AS r(class, lo, hi);\n")


def _insert(table: str, columns: str, rows: Iterable[tuple[object, ...]]) -> str:
    lines = [f"({', '.join(_lit(v) for v in row)})" for row in rows]
    return f"INSERT INTO {table} ({columns}) VALUES\n    " + ",\n    ".join(lines) + ";\n"


# ---------------------------------------------------------------------- Unicode
def _ranges(member: Callable[[str], bool]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start: int | None = None
    for cp in range(1, _MAX_CODE_POINT + 2):  # a SQL text never holds NUL
        inside = cp <= _MAX_CODE_POINT and cp not in _SURROGATES and member(chr(cp))
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append((start, cp - 1))
            start = None
    return out


def _bracket(ranges: list[tuple[int, int]]) -> str:
    """The inside of a regular-expression bracket holding these code points."""
    def esc(cp: int) -> str:
        return f"\\U{cp:08X}"
    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges)


def _folded(ch: str) -> str:
    """``names.search_key``'s transformation of one character, before classification."""
    return unicodedata.normalize("NFKD", ch).casefold().translate(names.SPELLED)


def _kept(ch: str) -> bool:
    """A character a search key keeps: a letter or a decimal digit."""
    cat = unicodedata.category(ch)
    return cat[0] == "L" or cat == "Nd"


def _contribution(ch: str) -> str:
    """What one character becomes in ``names.search_key`` before spaces are collapsed."""
    return "".join("" if unicodedata.category(c)[0] == "M" else c if _kept(c) else " "
                   for c in _folded(ch))


def _hangul(cp: int) -> str:
    s = cp - _HANGUL.start
    return (chr(0x1100 + s // 588) + chr(0x1161 + (s % 588) // 28)
            + (chr(0x11A7 + s % 28) if s % 28 else ""))


def _name_chars(kept: list[tuple[int, int]]) -> list[tuple[object, ...]]:
    """``ecr.act_name_chars``: the contribution of each character that folds to something
    else or is a mark; every other character stays itself if kept, else is a space.

    Checked here for every character against ``names.search_key``'s own algorithm,
    as ``ecr.name_search_key`` reads the tables (including its two shortcuts:
    ASCII only changes case, Hangul syllables decompose by arithmetic).
    """
    rows: list[tuple[object, ...]] = []
    table: dict[int, str] = {}
    for cp in range(1, _MAX_CODE_POINT + 1):
        if cp in _SURROGATES or cp in _HANGUL:
            continue
        ch = chr(cp)
        if _folded(ch) != ch or unicodedata.category(ch)[0] == "M":
            table[cp] = _contribution(ch)
            rows.append((cp, table[cp]))
    starts = [a for a, _ in kept]

    def in_kept(cp: int) -> bool:
        i = bisect.bisect_right(starts, cp) - 1
        return i >= 0 and kept[i][0] <= cp <= kept[i][1]

    for cp in range(1, _MAX_CODE_POINT + 1):
        if cp in _SURROGATES:
            continue
        ch = chr(cp)
        if cp in _HANGUL:
            sql = _hangul(cp)
        elif cp in table:
            sql = table[cp]
        else:
            sql = ch if in_kept(cp) else " "
        if sql != _contribution(ch):
            raise ValueError(f"U+{cp:04X}: the SQL tables would give {sql!r}")
        if cp < 0x80 and _contribution(ch) != (ch.lower() if ch.isalnum() else " "):
            raise ValueError(f"U+{cp:04X}: ASCII is not only a matter of case")
        key = names.search_key(ch)  # what ecr._key_phonetic relies on
        if names.search_key(key) != key:
            raise ValueError(f"search_key changes its own key of U+{cp:04X}")
    return rows


def _phonetic_word() -> str:
    for pattern, _ in names.REWRITES:
        if not re.fullmatch(r"[a-zA-Z()\[\]|?=<!\\1+$-]+", pattern.pattern):
            raise ValueError(f"rewrite {pattern.pattern!r} not known to mean the same in SQL")
    steps = "s"
    for pattern, replacement in names.REWRITES:
        steps = f"regexp_replace({steps}, {_lit(pattern.pattern)}, {_lit(replacement)}, 'g')"
    source = "".join(names.CLASSES)
    target = "".join(names.CLASSES.values())
    vowels = "".join(sorted(names.VOWELS))
    return f"""-- names._phonetic_word: the rewrites of names.REWRITES in order, then the
-- sound classes of names.CLASSES (the first letter kept, vowels dropped after it).
CREATE OR REPLACE FUNCTION ecr._phonetic_word(p_word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = ecr, pg_temp AS $$
    SELECT CASE WHEN s = '' THEN upper(left(p_word, 1)) ELSE regexp_replace(
        CASE WHEN left(s, 1) ~ {_lit(f"^[{vowels}]$")} THEN 'A'
             ELSE translate(left(s, 1), {_lit(source)}, {_lit(target)}) END
        || translate(regexp_replace(substr(s, 2), {_lit(f"[{vowels}]")}, '', 'g'),
                     {_lit(source)}, {_lit(target)}),
        '(.)\\1+', '\\1', 'g') END
    FROM (SELECT {steps} AS s FROM (SELECT p_word COLLATE "C" AS s) AS w) AS r
$$;

-- names.phonetic_key of a text that is already a search key (a word of
-- name_tokens): search_key changes nothing in a search key (checked for every
-- character by tools/gen_act_sql.py), so it is not computed again.
CREATE OR REPLACE FUNCTION ecr._key_phonetic(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = ecr, pg_temp AS $$
    SELECT CASE WHEN c = '' OR c !~ {_lit("^(?:" + names.LATIN.pattern + ")$")} THEN c
                ELSE _phonetic_word(c) END
    FROM (SELECT replace(p_key, ' ', '') AS c) AS k
$$;

-- names.phonetic_key: the sound key of a Latin-script name, its compact key otherwise.
CREATE OR REPLACE FUNCTION ecr.name_phonetic_key(p_name text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = ecr, pg_temp AS $$
    SELECT _key_phonetic(name_search_key(p_name))
$$;
"""


def _constants() -> str:
    rules = {f.name: getattr(DEFAULT_RULES, f.name) for f in dataclasses.fields(DEFAULT_RULES)
             if f.name not in ("deadlines", "default_deadline")}
    rules["default_deadline"] = [DEFAULT_RULES.default_deadline.current_days,
                                 DEFAULT_RULES.default_deadline.late_days]
    doc = {
        "max_act_bytes": MAX_ACT_BYTES,
        "min_date": structure.MIN_DATE.isoformat(),
        "formats": {"date": structure.DATE_FORMAT.pattern, "time": structure.TIME_FORMAT.pattern,
                    "icd10": structure.ICD10_FORMAT.pattern, "niu": niu.NIU_FORMAT.pattern},
        "rules": rules,
        "rank_limits": plausibility.RANK_LIMIT,
        "not_stated": NOT_STATED,
        "dissolutions": sorted(plausibility.DISSOLUTIONS),
        "filiations": sorted(plausibility.FILIATIONS),
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False)
    return f"""-- The constants of structure.py, niu.py, actjson.py, rules.py and plausibility.py.
CREATE OR REPLACE FUNCTION ecr._act_constants() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = ecr, pg_temp AS $$
    SELECT {_lit(text)}::jsonb
$$;
"""


def _char_ranges() -> tuple[list[tuple[object, ...]], list[tuple[int, int]]]:
    """``ecr.act_char_ranges``: the characters a name may hold, those a search key keeps."""
    name = _ranges(lambda ch: unicodedata.category(ch)[0] in "LM"
                   or ch in structure.NAME_PUNCTUATION)
    kept = _ranges(_kept)
    rows: list[tuple[object, ...]] = [("name", a, b) for a, b in name]
    rows += [("kept", a, b) for a, b in kept]
    return rows, kept


def _text_functions() -> str:
    controls = _bracket(_ranges(lambda ch: unicodedata.category(ch) == "Cc"))
    spaces = _bracket(_ranges(str.isspace))
    ascii_name = _bracket(_ranges(lambda ch: ch.isascii() and ch.isprintable()
                                  and (unicodedata.category(ch)[0] in "LM"
                                       or ch in structure.NAME_PUNCTUATION)))
    if [c for c in map(chr, range(0x20, 0x7F)) if unicodedata.category(c) == "Cc"
            or (c.isspace() and c != " ")]:
        raise ValueError("printable ASCII holds a control or a space other than ' '")
    if len(controls) > 200 or len(spaces) > 400:
        raise ValueError("the classes of controls and spaces are no longer small")
    pattern_check = """WHEN p_pattern IS NOT NULL AND p_value !~ ('^(?:' || p_pattern || ')$')
            THEN jsonb_build_object('rule', 'invalid_format',
                                    'params', jsonb_build_object('value', p_value))"""
    upper = _lit(_ASCII_UPPER)
    lower = _lit(_ASCII_UPPER.lower())
    return f"""-- A character a name may hold (ecr.act_char_ranges, class 'name').  No pinned
-- search_path, so that it is inlined where it is used (the schema is named).
CREATE OR REPLACE FUNCTION ecr._act_name_char(p_char text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM ecr.act_char_ranges
                   WHERE class = 'name' AND span @> ascii(p_char))
$$;

-- structure._text on a TEXT, NAME or AREA value: the rule it breaks and its
-- parameters, or NULL.  Control characters (category Cc), blank (only white
-- space, str.isspace), too long, a character a name may not hold (not a letter
-- nor a mark, nor one of structure.NAME_PUNCTUATION: ecr.act_char_ranges), the
-- field's pattern.  Printable ASCII (most values) needs no table.  (PL/pgSQL,
-- not SQL: PostgreSQL plans a SQL function called from another one at every call.)
CREATE OR REPLACE FUNCTION ecr._act_text_problem(p_value text, p_kind text, p_max_length integer,
                                                 p_pattern text) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = ecr, pg_temp AS $$
BEGIN
    RETURN CASE WHEN p_value ~ '^[\x20-\x7e]*$' THEN CASE
            WHEN p_value ~ '^ *$' THEN '{{"rule": "empty"}}'::jsonb
            WHEN length(p_value) > p_max_length THEN jsonb_build_object(
                'rule', 'too_long', 'params', jsonb_build_object('maximum', p_max_length))
            WHEN p_kind = 'name' AND p_value ~ {_lit(f"[^{ascii_name}]")} THEN jsonb_build_object(
                'rule', 'name_characters', 'params', jsonb_build_object(
                    'character', substring(p_value FROM {_lit(f"[^{ascii_name}]")})))
            {pattern_check}
        END ELSE CASE
            WHEN p_value ~ {_lit(f"[{controls}]")} THEN '{{"rule": "control_characters"}}'::jsonb
            WHEN p_value ~ {_lit(f"^[{spaces}]*$")} THEN '{{"rule": "empty"}}'::jsonb
            WHEN length(p_value) > p_max_length THEN jsonb_build_object(
                'rule', 'too_long', 'params', jsonb_build_object('maximum', p_max_length))
            WHEN p_kind = 'name' AND (SELECT true FROM unnest(string_to_array(p_value, NULL)) AS c
                                      WHERE NOT _act_name_char(c) LIMIT 1) THEN
                jsonb_build_object('rule', 'name_characters', 'params', jsonb_build_object(
                    'character', (SELECT c FROM unnest(string_to_array(p_value, NULL))
                                  WITH ORDINALITY AS t(c, i)
                                  WHERE NOT _act_name_char(c) ORDER BY i LIMIT 1)))
            {pattern_check}
        END END;
END $$;

-- names.search_key: each character as ecr.act_name_chars says (its NFKD form,
-- case-folded, spelled out, marks dropped, non-letters made spaces), else
-- itself if a letter or a digit (ecr.act_char_ranges, class 'kept'), else a
-- space; Hangul syllables decomposed by arithmetic; then spaces collapsed.
-- Plain ASCII (most names) only changes case.
CREATE OR REPLACE FUNCTION ecr.name_search_key(p_name text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_name ~ '^[\x01-\x7f]*$' THEN
        RETURN btrim(regexp_replace(translate(p_name, {upper}, {lower}), '[^a-z0-9]+', ' ', 'g'));
    END IF;
    RETURN (SELECT btrim(regexp_replace(coalesce(string_agg(CASE
            WHEN m.key IS NOT NULL THEN m.key
            WHEN cp BETWEEN {_HANGUL.start} AND {_HANGUL.stop - 1}
            THEN chr(4352 + (cp - {_HANGUL.start}) / 588)
                 || chr(4449 + (cp - {_HANGUL.start}) % 588 / 28)
                 || CASE WHEN (cp - {_HANGUL.start}) % 28 > 0
                         THEN chr(4519 + (cp - {_HANGUL.start}) % 28) ELSE '' END
            WHEN cp BETWEEN 97 AND 122 OR cp BETWEEN 48 AND 57 THEN t.c
            WHEN cp < 128 THEN ' '
            WHEN EXISTS (SELECT 1 FROM act_char_ranges r WHERE r.class = 'kept' AND r.span @> cp)
            THEN t.c
            ELSE ' ' END, '' ORDER BY t.i), ''), ' +', ' ', 'g'))
        FROM unnest(string_to_array(p_name, NULL)) WITH ORDINALITY AS t(c, i)
        CROSS JOIN LATERAL ascii(t.c) AS cp
        LEFT JOIN act_name_chars m ON m.code_point = cp);
END $$;
"""


def generate() -> str:
    """The text of the migration (see the module docstring)."""
    field_rows = [row for ev in EVENTS.values() for row in _checked_rows(ev)]
    range_rows, kept = _char_ranges()
    one_of_rows = [row for ev in EVENTS.values() for row in _one_of(ev)]
    event_rows = [(ev.key, ev.principal_person, ev.mother_path, ev.father_path, ev.parents_path)
                  for ev in EVENTS.values()]
    parts = [
        f"""-- GENERATED by tools/gen_act_sql.py from the data dictionary (version
-- {DICTIONARY_VERSION}) and Python's Unicode character database (version
-- {unicodedata.unidata_version}).
-- Do not edit: change common/acts and regenerate.
--
-- The dictionary as tables and constants, for the SQL that checks and derives
-- every act inside the centre database (migration 0402): no client, even a
-- modified one, can store an act the dictionary refuses (DESIGN.md §2).
-- A later dictionary version writes a new file of this kind: each replaces
-- the tables' contents and the functions.

CREATE TABLE IF NOT EXISTS ecr.act_fields (
    event_type text NOT NULL REFERENCES ecr.event_types,
    parent text NOT NULL,      -- generic path of the enclosing group ('' for the act)
    name text NOT NULL,
    path text NOT NULL,        -- generic path: 'spouses[].surname'
    position integer NOT NULL, -- canonical order (depth first, by tag)
    node text NOT NULL CHECK (node IN ('field', 'group', 'list')),
    kind text,
    required boolean NOT NULL,
    code_list text,            -- a code or country field: ecr.act_code_lists.key
    minimum numeric,
    maximum numeric,
    max_length integer,
    pattern text,
    repeat_min integer,
    repeat_max integer,
    link_target text,          -- a NIU field: the event type of the act it names
    label_fr text NOT NULL,
    label_en text NOT NULL,
    PRIMARY KEY (event_type, parent, name)
);
CREATE TABLE IF NOT EXISTS ecr.act_code_lists (
    key text PRIMARY KEY,      -- a code list, or 'iso3166' for country fields
    codes text[] NOT NULL
);
CREATE TABLE IF NOT EXISTS ecr.act_one_of (
    event_type text NOT NULL REFERENCES ecr.event_types,
    group_path text NOT NULL,
    position integer NOT NULL,
    names text[] NOT NULL,
    PRIMARY KEY (event_type, group_path, position)
);
CREATE TABLE IF NOT EXISTS ecr.act_events (
    event_type text PRIMARY KEY REFERENCES ecr.event_types,
    principal_person text NOT NULL,
    mother_path text,
    father_path text,
    parents_path text
);
-- What names.search_key makes of each character that it folds into something
-- else (NFKD, case folding, names.SPELLED) or drops (a mark), classified (a
-- non-letter is a space).  Hangul syllables are decomposed by arithmetic.
CREATE TABLE IF NOT EXISTS ecr.act_name_chars (
    code_point integer PRIMARY KEY,
    key text NOT NULL
);
-- Classes of characters: 'name', those a name may hold (structure._text);
-- 'kept', those a search key keeps (letters and decimal digits).
CREATE TABLE IF NOT EXISTS ecr.act_char_ranges (
    class text NOT NULL,
    span int4range NOT NULL
);
CREATE INDEX IF NOT EXISTS act_char_ranges_name ON ecr.act_char_ranges USING gist (span)
    WHERE class = 'name';
CREATE INDEX IF NOT EXISTS act_char_ranges_kept ON ecr.act_char_ranges USING gist (span)
    WHERE class = 'kept';
REVOKE ALL ON ecr.act_fields, ecr.act_code_lists, ecr.act_one_of, ecr.act_events,
    ecr.act_name_chars, ecr.act_char_ranges FROM PUBLIC;
DELETE FROM ecr.act_fields;
DELETE FROM ecr.act_code_lists;
DELETE FROM ecr.act_one_of;
DELETE FROM ecr.act_events;
DELETE FROM ecr.act_name_chars;
DELETE FROM ecr.act_char_ranges;

""",
        _insert("ecr.act_fields",
                "event_type, parent, name, path, position, node, kind, required, code_list,"
                " minimum, maximum, max_length, pattern, repeat_min, repeat_max, link_target,"
                " label_fr, label_en", field_rows),
        "\n",
        _insert("ecr.act_code_lists", "key, codes",
                [(cl.key, list(cl.keys())) for cl in CODE_LISTS.values()]
                + [(COUNTRY_LIST, sorted(COUNTRIES))]),
        "\n",
        _insert("ecr.act_one_of", "event_type, group_path, position, names", one_of_rows),
        "\n",
        _insert("ecr.act_events",
                "event_type, principal_person, mother_path, father_path, parents_path",
                event_rows),
        "\n",
        _insert("ecr.act_name_chars", "code_point, key", _name_chars(kept)),
        "\n",
        _ranges_insert(range_rows),
        "ANALYZE ecr.act_fields;\nANALYZE ecr.act_name_chars;\nANALYZE ecr.act_char_ranges;\n\n",
        _constants(),
        "\n",
        _text_functions(),
        "\n",
        _phonetic_word(),
        "\n-- Internal: the application role may execute none of them (nor may PUBLIC).\n"
        "REVOKE ALL ON FUNCTION ecr._act_constants(), ecr._act_name_char(text),\n"
        "    ecr._act_text_problem(text, text, integer, text), ecr.name_search_key(text),\n"
        "    ecr._phonetic_word(text), ecr._key_phonetic(text), ecr.name_phonetic_key(text)\n"
        "FROM PUBLIC;\n",
    ]
    return "".join(parts)
