"""Compression of container bodies with shared, versioned zstandard dictionaries.

Small batches compress badly on their own; a dictionary trained on a realistic
corpus of acts (``tools/train_wire_dictionary.py``, fixed seed) gives zstd the
names, places and structure in advance.  Dictionaries ship with the code as
package data (``dictionaries/vN.zdict``) and are never changed once released: a
new corpus makes a new version, and the container carries the version it used,
so an old container stays readable and an unknown version is refused.

Frames are written "magicless", without checksum, dictionary id or content size
(the container header carries the exact uncompressed length and the signature
protects integrity): every byte counts on a 22 kbps link.

Id 0 means "stored, not compressed" (used for already-compressed content such as
revocation lists).  Reading package data is the only I/O here, done once.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import zstandard

from common.wire.acts_codec import EMPTY_VOCABULARY, Vocabulary
from common.wire.errors import ContainerRefused

STORED = 0
#: wire id → file name in ``common/wire/dictionaries``.  Append only once
#: released.  Each version also has a vocabulary ``vN.vocab.json`` used by the
#: act encoding.  Ids 1 and 2 (never released) were withdrawn with the act
#: encodings they went with (2: the batch structure as plain bitmaps, before the
#: range coder): containers naming them are refused as ``unknown_dictionary``.
#: From version 4, a third file ``vN.chars.json`` holds the character models
#: (``char_model``) and makes the act encoding v4.  Version 5 is the same encoding with
#: the character models trained again: version 4's trainer left out the name lists of
#: every Latin-script locale (a list no draw reads was counted as shared with the
#: benchmark), so its given-name and surname models knew no Latin letter.
DICTIONARY_FILES: dict[int, str] = {3: "v3.zdict", 4: "v4.zdict", 5: "v5.zdict"}
#: The dictionary new containers use.
CURRENT_DICTIONARY = 5
#: Upper bound of a decompressed body (a batch of 200 acts is ~60 KiB).
MAX_BODY_BYTES = 4 * 1024 * 1024
LEVEL = 19


@functools.cache
def dictionary(dict_id: int) -> zstandard.ZstdCompressionDict:
    name = DICTIONARY_FILES.get(dict_id)
    if name is None:
        raise ContainerRefused("unknown_dictionary", f"id {dict_id}")
    try:
        data = resources.files("common.wire.dictionaries").joinpath(name).read_bytes()
    except FileNotFoundError:
        raise ContainerRefused("unknown_dictionary",
                               f"id {dict_id} ({name} not installed)") from None
    zdict = zstandard.ZstdCompressionDict(data)
    zdict.precompute_compress(level=LEVEL)
    return zdict


@functools.cache
def vocabulary(dict_id: int) -> Vocabulary:
    """The string vocabulary that goes with dictionary ``dict_id`` (empty when stored)."""
    if dict_id == STORED:
        return EMPTY_VOCABULARY
    name = DICTIONARY_FILES.get(dict_id)
    if name is None:
        raise ContainerRefused("unknown_dictionary", f"id {dict_id}")
    vocab_name = name.replace(".zdict", ".vocab.json")
    try:
        raw = resources.files("common.wire.dictionaries").joinpath(vocab_name).read_bytes()
    except FileNotFoundError:
        raise ContainerRefused("unknown_dictionary",
                               f"id {dict_id} ({vocab_name} not installed)") from None
    chars = None
    if dict_id >= 4:
        chars_name = name.replace(".zdict", ".chars.json")
        try:
            chars = json.loads(resources.files("common.wire.dictionaries").joinpath(chars_name)
                               .read_bytes().decode("utf-8"))
        except FileNotFoundError:
            raise ContainerRefused("unknown_dictionary",
                                   f"id {dict_id} ({chars_name} not installed)") from None
    return Vocabulary.from_json(json.loads(raw.decode("utf-8")), chars)


def available(dict_id: int) -> bool:
    try:
        dictionary(dict_id)
    except ContainerRefused:
        return False
    return True


def compress(body: bytes, dict_id: int = CURRENT_DICTIONARY) -> bytes:
    if dict_id == STORED:
        return body
    params = zstandard.ZstdCompressionParameters.from_level(
        LEVEL, source_size=len(body), format=zstandard.FORMAT_ZSTD1_MAGICLESS,
        write_checksum=0, write_content_size=0, write_dict_id=0,
    )
    return zstandard.ZstdCompressor(dict_data=dictionary(dict_id),
                                    compression_params=params).compress(body)


def decompress(data: bytes, dict_id: int, raw_length: int) -> bytes:
    """Decompress exactly ``raw_length`` bytes, refusing anything over ``MAX_BODY_BYTES``."""
    if raw_length > MAX_BODY_BYTES:
        raise ContainerRefused("decompression_bomb",
                               f"declared {raw_length} bytes, limit {MAX_BODY_BYTES}")
    if dict_id == STORED:
        if len(data) != raw_length:
            raise ContainerRefused("bad_payload", "stored length differs from the header")
        return data
    zdict = dictionary(dict_id)
    if raw_length == 0:
        raise ContainerRefused("bad_payload", "empty compressed body")
    decompressor = zstandard.ZstdDecompressor(dict_data=zdict,
                                              format=zstandard.FORMAT_ZSTD1_MAGICLESS)
    try:
        out = decompressor.decompress(data, max_output_size=raw_length, allow_extra_data=False)
    except zstandard.ZstdError as exc:
        if "full frame" in str(exc) or "Destination buffer is too small" in str(exc):
            raise ContainerRefused("decompression_bomb",
                                   f"more than the declared {raw_length} bytes") from None
        raise ContainerRefused("bad_payload", "corrupt compressed body") from None
    if len(out) != raw_length:
        raise ContainerRefused("bad_payload", "decompressed length differs from the header")
    return out
