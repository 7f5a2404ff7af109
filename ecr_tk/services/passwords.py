"""Client-side password hashing: argon2id turns a password into a login proof.

The database never sees a password, only a 32-byte *proof* derived from it with
argon2id (memory-hard) and a per-user random salt; it stores ``sha256(proof)``
and compares in SQL.  So producing a proof, and attacking the stored verifier,
both cost one argon2id evaluation per guess.  The parameters are stored per user
so they can be raised later without invalidating existing passwords.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

from common.i18n import translator

from .errors import InvalidValue

tr = translator("centre")

PROOF_LENGTH = 32
SALT_LENGTH = 16
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost parameters (memory in KiB), as stored with each user."""

    time_cost: int = 2
    memory_cost: int = 19456  # 19 MiB: the OWASP minimum for argon2id
    parallelism: int = 1

    def as_dict(self) -> dict[str, int]:
        return {"time_cost": self.time_cost, "memory_cost": self.memory_cost,
                "parallelism": self.parallelism}


DEFAULT_PARAMS = KdfParams()

# Bounds of the parameters, enforced by the database (ecr._kdf_ok, migration
# 0411) whatever the client; a test checks that both agree.  Below, a guess is
# too cheap; above, a login would take too long or too much memory.
BOUNDS = {"time_cost": (2, 8), "memory_cost": (19456, 262144), "parallelism": (1, 8)}
MAX_TIME_X_MEMORY = 1024 * 1024  # passes x KiB: 1 GiB-pass at most


def params_within_bounds(params: KdfParams) -> bool:
    """Whether ``params`` are inside :data:`BOUNDS` (what the database accepts)."""
    values = params.as_dict()
    return (all(low <= values[key] <= high for key, (low, high) in BOUNDS.items())
            and params.time_cost * params.memory_cost <= MAX_TIME_X_MEMORY)


def new_salt() -> bytes:
    return os.urandom(SALT_LENGTH)


def check_password_rules(password: str) -> None:
    """Refuse a password too weak to set (field ``password``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(
            tr("The password must have at least {n} characters", n=MIN_PASSWORD_LENGTH),
            field="password", rule="too_short")


def login_proof(password: str, salt: bytes, params: KdfParams) -> bytes:
    """The 32-byte argon2id proof sent to ``ecr.open_session`` instead of the password."""
    return hash_secret_raw(
        secret=password.encode("utf-8"), salt=salt, time_cost=params.time_cost,
        memory_cost=params.memory_cost, parallelism=params.parallelism,
        hash_len=PROOF_LENGTH, type=Type.ID)
