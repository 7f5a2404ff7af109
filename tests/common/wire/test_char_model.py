"""The v4 string coding (dictionaries 4 and 5): character models, case apart, batch references
(issue 12)."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.wire import char_model as cm
from common.wire import compression
from common.wire.acts_codec import decode_acts, encode_acts
from common.wire.corpus import MEASURE_SEED, realistic_records
from common.wire.errors import ContainerRefused
from common.wire.range_coder import RangeDecoder, RangeEncoder

V4 = compression.vocabulary(compression.CURRENT_DICTIONARY)


def _models() -> dict[str, cm.CharModel]:
    assert V4.chars is not None
    return dict(V4.chars)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(exclude_characters="\0", exclude_categories=("Cs",)),
                        max_size=40), max_size=12))
def test_any_strings_come_back_exactly_through_the_character_model(values):
    model = _models()["surname"]
    enc = RangeEncoder()
    state = cm.CharState(model)
    for v in values:
        cm.encode_chars(enc, state, v)
    data = enc.finish()
    dec = RangeDecoder(data)
    state = cm.CharState(model)
    assert [cm.decode_chars(dec, state, 1000) for _ in values] == values
    dec.end()


@pytest.mark.parametrize("value", ["DIOP", "Diop", "diop", "Jean-Pierre", "JEAN-PIERRE",
                                   "O'Brien", "mcKAy", "ΡΊΣΒΑΣ", "Ρίσβας", "ЖУКОВ", "Straße",
                                   "İZMİR", "dos Santos", "ألمع", "Ǆemal"])
def test_a_case_found_for_a_value_gives_that_value_back(value):
    case = cm.case_of(value.lower(), value)
    if case is not None:
        assert cm.apply_case(value.lower(), *case) == value
    # a vocabulary entry in title case serves the value in any case
    vocab_case = cm.case_of("Diop", value)
    if vocab_case is not None:
        assert cm.apply_case("Diop", *vocab_case) == value


def test_capitals_cost_almost_nothing_more_than_title_case():
    acts = realistic_records(200, seed=MEASURE_SEED)

    def upper(data):
        if isinstance(data, dict):
            return {k: (v.upper() if k == "surname" and isinstance(v, str) else upper(v))
                    for k, v in data.items()}
        return data

    capitals = [dataclasses.replace(a, data=upper(a.data)) for a in acts]
    sizes = {}
    for name, batch in (("title", acts), ("capitals", capitals)):
        total = 0
        for i in range(0, 200, 50):
            body = encode_acts(batch[i:i + 50], V4)
            assert decode_acts(body, vocabulary=V4, validate=False) == batch[i:i + 50]
            total += len(compression.compress(body, compression.CURRENT_DICTIONARY))
        sizes[name] = total / 200
    # v3 wrote "DIOP" as a literal where "Diop" was an index: +15 bytes an act
    assert sizes["capitals"] <= sizes["title"] + 1.5, sizes


def test_random_bytes_in_the_text_stream_are_refused_not_crashed():
    rng = random.Random("ecr-chars")
    model = _models()["*"]
    refused = 0
    for _ in range(300):
        data = b"\0" + rng.randbytes(rng.randrange(4, 60))
        dec = RangeDecoder(data)
        state = cm.CharState(model)
        try:
            for _ in range(5):
                cm.decode_chars(dec, state, 20)
            dec.end()
        except ContainerRefused:
            refused += 1
    assert refused > 250


def test_the_models_were_trained_on_no_benchmark_locale():
    import json
    from importlib import resources

    from bench.foreign_corpus import LOCALES

    name = f"v{compression.CURRENT_DICTIONARY}.chars.json"
    raw = resources.files("common.wire.dictionaries").joinpath(name).read_bytes()
    trained_on = json.loads(raw)["trained_on"]["faker_locales"]
    assert len(trained_on) >= 20
    assert not set(trained_on) & set(LOCALES)


def test_every_model_knows_the_latin_letters_and_several_scripts():
    """Version 4's name models were trained on Cyrillic and Hebrew lists only, so every
    Latin letter of a name cost a 21-bit code point the first time in each batch."""
    for name, model in _models().items():
        assert set("abcdefghijklmnopqrstuvwxyz") <= set(model.alphabet), name
        assert {"а", "ا"} <= set(model.alphabet), name  # Cyrillic and Arabic too
        assert set("αβγδεζηθικλμνξοπρσςτυφχψωάέίόύ") <= set(model.alphabet), name


def test_greek_letters_are_learnt_from_names_of_other_countries_not_from_greek_lists():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
    import train_wire_dictionary as trainer

    assert trainer._in_greek("Papadopoulos") == "παπαδοπούλος"
    assert trainer._in_greek("Hernández López") == "χερνάνδεζ λόπεζ"
    assert trainer._in_greek("Иванов") is None  # only plain Latin is spelt again
    assert "el_GR" not in trainer.CHAR_LOCALES


def test_no_benchmark_name_was_learnt():
    """A training locale's list is not the benchmark's, but may hold the same names
    (``fr_CH`` and ``fr_FR``): those values are left out of the material."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
    import train_wire_dictionary as trainer

    banned = trainer._benchmark_values()
    assert {"martin", "müller", "rossi"} & banned  # the benchmark's lists were read
    material = trainer.char_material()
    assert all(len(values) > 20_000 for values in material.values())
    assert not {v.lower() for values in material.values() for v in values} & banned


def test_from_version_5_codes_and_booleans_travel_in_the_text_stream():
    from common.wire.acts_codec import Vocabulary

    assert compression.vocabulary(4).coded_kinds == frozenset()
    assert compression.vocabulary(5).coded_kinds == {"code", "bool"}
    acts = realistic_records(50, seed=MEASURE_SEED)
    v5 = compression.vocabulary(5)
    plain = dataclasses.replace(v5, coded_kinds=frozenset())
    coded_body, plain_body = encode_acts(acts, v5), encode_acts(acts, plain)
    assert decode_acts(coded_body, vocabulary=v5, validate=False) == acts
    # the same acts read with the other rule are refused or differ, never silently equal
    try:
        assert decode_acts(coded_body, vocabulary=plain, validate=False) != acts
    except ContainerRefused:
        pass
    assert len(compression.compress(coded_body, 5)) < len(compression.compress(plain_body, 5))
    with pytest.raises(ValueError, match="coded_kinds"):
        Vocabulary.from_json({"words": {}, "predictors": {}, "tokens": {}},
                             {"models": {}, "leaves": {}, "coded_kinds": ["date"]})
