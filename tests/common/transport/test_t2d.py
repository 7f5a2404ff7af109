"""T2D folders: atomic writes, a manifest that tells a damaged copy, hostile folders refused."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from common.transport.t2d import (
    MANIFEST,
    TO_CENTRE,
    TO_SCEC,
    T2dError,
    centres_in,
    file_name,
    folder_of,
    read_folder,
    remove_files,
    write_folder,
)


def _containers(n: int, size: int = 300) -> list[tuple[str, bytes]]:
    return [(file_name(i + 1, uuid.uuid4()), os.urandom(size)) for i in range(n)]


def test_what_is_written_is_read_back_byte_for_byte(tmp_path: Path) -> None:
    sent = _containers(3)
    assert write_folder(tmp_path, TO_SCEC, "123456", sent) == [n for n, _ in sent]
    got = read_folder(tmp_path, TO_SCEC, "123456")
    assert [(f.name, f.data) for f in got.files] == sorted(sent)
    assert got.refused == ()
    assert centres_in(tmp_path, TO_SCEC) == ["123456"]
    assert not [p for p in folder_of(tmp_path, TO_SCEC, "123456").iterdir()
                if p.name.endswith(".part")]


def test_writing_the_same_containers_twice_changes_nothing(tmp_path: Path) -> None:
    sent = _containers(2)
    write_folder(tmp_path, TO_SCEC, "123456", sent)
    assert write_folder(tmp_path, TO_SCEC, "123456", sent) == []
    more = _containers(1)
    write_folder(tmp_path, TO_SCEC, "123456", more)
    assert len(read_folder(tmp_path, TO_SCEC, "123456").files) == 3


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_a_damaged_file_is_refused_by_name_and_the_others_are_read(tmp_path: Path,
                                                                  damage: str) -> None:
    sent = _containers(3)
    write_folder(tmp_path, TO_SCEC, "123456", sent)
    victim = folder_of(tmp_path, TO_SCEC, "123456") / sent[1][0]
    if damage == "truncate":
        victim.write_bytes(sent[1][1][:100])
    elif damage == "flip":
        victim.write_bytes(bytes([sent[1][1][0] ^ 1]) + sent[1][1][1:])
    else:
        victim.unlink()
    got = read_folder(tmp_path, TO_SCEC, "123456")
    assert [f.name for f in got.files] == [sent[0][0], sent[2][0]]
    assert [(r.name, r.reason) for r in got.refused] == [
        (sent[1][0], "missing" if damage == "delete" else "damaged")]


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path: Path) -> None:
    write_folder(tmp_path, TO_SCEC, "123456", _containers(1))
    stray = file_name(9, uuid.uuid4())
    (folder_of(tmp_path, TO_SCEC, "123456") / stray).write_bytes(b"x")
    got = read_folder(tmp_path, TO_SCEC, "123456")
    assert [(r.name, r.reason) for r in got.refused] == [(stray, "not_listed")]


def test_a_symbolic_link_is_never_followed(tmp_path: Path) -> None:
    sent = _containers(1)
    write_folder(tmp_path, TO_SCEC, "123456", sent)
    secret = tmp_path / "secret"
    secret.write_bytes(sent[0][1])
    victim = folder_of(tmp_path, TO_SCEC, "123456") / sent[0][0]
    victim.unlink()
    victim.symlink_to(secret)
    got = read_folder(tmp_path, TO_SCEC, "123456")
    assert got.files == () and got.refused[0].reason == "missing"


def test_a_folder_for_another_centre_is_refused_naming_both(tmp_path: Path) -> None:
    write_folder(tmp_path, TO_CENTRE, "654321", _containers(1))
    with pytest.raises(T2dError) as err:
        read_folder(tmp_path, TO_CENTRE, "123456")
    assert err.value.rule == "wrong_centre"
    assert "654321" in err.value.message and "123456" in err.value.message


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(T2dError) as err:
        read_folder(tmp_path, TO_SCEC, "123456")
    assert err.value.rule == "empty"


@pytest.mark.parametrize("manifest", [
    None, b"", b"not json", b"[" * 10000, b"[]", json.dumps({"format": "other"}).encode(),
    json.dumps({"format": "ecr-t2d/1", "direction": "to-scec", "centre": "654321",
                "created": "x", "files": []}).encode(),
    json.dumps({"format": "ecr-t2d/1", "direction": "to-scec", "centre": "123456",
                "created": "x", "files": [{"name": "../../etc/passwd", "bytes": 1,
                                           "sha256": "0" * 64}]}).encode(),
    json.dumps({"format": "ecr-t2d/1", "direction": "to-scec", "centre": "123456",
                "created": "x", "files": [{"name": file_name(1, uuid.uuid4()),
                                           "bytes": True, "sha256": "0" * 64}]}).encode(),
])
def test_a_hostile_or_half_copied_manifest_is_refused_cleanly(tmp_path: Path,
                                                             manifest: bytes | None) -> None:
    write_folder(tmp_path, TO_SCEC, "123456", _containers(1))
    path = folder_of(tmp_path, TO_SCEC, "123456") / MANIFEST
    if manifest is None:
        path.unlink()
    else:
        path.write_bytes(manifest)
    with pytest.raises(T2dError) as err:
        read_folder(tmp_path, TO_SCEC, "123456")
    assert err.value.rule == "bad_manifest"


def test_names_and_sizes_are_checked_when_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_folder(tmp_path, TO_SCEC, "123456", [("../x.ecr", b"x")])
    with pytest.raises(ValueError):
        write_folder(tmp_path, TO_SCEC, "12345", [])
    with pytest.raises(ValueError):
        write_folder(tmp_path, TO_SCEC, "123456",
                     [(file_name(1, uuid.uuid4()), b"x" * (1024 * 1024 + 1))])


def test_files_can_be_removed_once_answered(tmp_path: Path) -> None:
    sent = _containers(2)
    write_folder(tmp_path, TO_SCEC, "123456", sent)
    remove_files(tmp_path, TO_SCEC, "123456", [sent[0][0]])
    got = read_folder(tmp_path, TO_SCEC, "123456")
    assert [f.name for f in got.files] == [sent[1][0]] and got.refused == ()


def test_an_unwritable_medium_is_a_clear_refusal(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root ignores permission bits; a file standing where the folder must go does not
        (tmp_path / "ecr-t2d").write_bytes(b"")
    else:
        tmp_path.chmod(0o500)
    with pytest.raises(T2dError) as err:
        write_folder(tmp_path, TO_SCEC, "123456", _containers(1))
    assert err.value.rule == "unwritable"
