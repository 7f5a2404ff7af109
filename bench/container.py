"""Sealed-container benchmark: bytes per act on the wire, and seal/open throughput.

    PYTHONPATH=. .venv/bin/python bench/container.py                  # the three built corpora
    PYTHONPATH=. .venv/bin/python bench/container.py --corpus acts.jsonl [--corpus more.jsonl]
    PYTHONPATH=. .venv/bin/python bench/container.py --baseline b5a12c0  # and the old code's

One run measures several corpora, each as its own entry:

* ``generator``: the project's own ``common.wire.corpus.realistic_records``
  (``--seed``, ``MEASURE_SEED`` by default: never the dictionary's training seed);
* ``foreign``: ``bench/foreign_corpus.py`` (Faker's names and places, built in
  process; needs the ``bench`` extra);
* ``adversarial``: ``bench/adversarial_corpus.py`` (made-up names and places no
  list holds);
* ``file:PATH``: each ``--corpus`` file, one act JSON a line (a full export
  ``ecr-act/1`` or a draft ``{"type", "data"}``).

``--acts`` (2,000) is the size of each built corpus; ``--files-only`` measures the
files alone.  For each corpus and batch size (1, 10, 50, 100, 200):
``bytes_per_act`` is everything that travels, the whole CMS container (envelope,
signature, header, compressed body) divided by the acts it carries;
``body_bytes_per_act`` the compressed body alone; ``overhead_bytes_per_container``
the rest, per container.  Throughput is measured on batches of 50: sealing
(encode, compress, sign, encrypt) and opening (decrypt, verify, decompress,
decode, and validate every act unless ``--no-validate``), ``--rounds`` times (3),
keeping the median.

``--baseline REV`` checks REV out in a temporary ``git worktree`` (removed at
the end, also on error), writes each corpus to a temporary JSONL file and runs
REV's own ``bench/container.py --corpus FILE`` on it with the same interpreter,
one process at a time.  Throughput is interleaved: per round and corpus, this
code then the old (the order alternating by round), so that the drift of a
shared machine falls on both sides alike; each side keeps its median.

Prints JSON::

    {"corpora": {
        "generator": {"source": …, "acts": …,
                      "batches": {"1": {"bytes_per_act": …, "body_bytes_per_act": …,
                                        "overhead_bytes_per_container": …,
                                        "containers": …}, "10": …, "50": …,
                                  "100": …, "200": …},
                      "seal_acts_per_s": …, "open_acts_per_s": …,
                      # with --baseline:
                      "baseline": {"rev": …, "bytes_per_act_at_50": …, "at_200": …,
                                   "seal_acts_per_s": …, "open_acts_per_s": …},
                      "bytes_at_50_new_over_old": …, "seal_new_over_old": …,
                      "open_new_over_old": …},
        "foreign": {…, "dropped_invalid": …}, "adversarial": {…, "dropped_invalid": …},
        "file:PATH": {…}},
     "adversarial_vs_foreign_at_50": …, "dictionary": …, "batch_sizes": […],
     "throughput_batch": 50, "rounds": 3, "validate": true, "baseline": REV or null}

``adversarial_vs_foreign_at_50`` is the adversarial corpus's bytes per act over
the foreign one's, in batches of 50: how much of the compression on real names
comes from their being real.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.acts.actjson import ActRecord, parse_act_json, parse_act_record  # noqa: E402
from common.pki.authority import (  # noqa: E402
    build_centre_request,
    check_centre_request,
    create_country_authority,
    issue_centre_certificate,
)
from common.pki.identifiers import subject_key_identifier  # noqa: E402
from common.pki.keys import generate_key  # noqa: E402
from common.wire import compression  # noqa: E402
from common.wire.acts_codec import encode_acts  # noqa: E402
from common.wire.batches import open_act_batch, seal_act_batch  # noqa: E402
from common.wire.cms import RecipientKey  # noqa: E402
from common.wire.container import RecipientCertificate, SenderKey  # noqa: E402
from common.wire.corpus import MEASURE_SEED, TRAINING_SEED, realistic_records  # noqa: E402
from common.wire.trust import StaticDirectory  # noqa: E402

BATCH_SIZES = (1, 10, 50, 100, 200)
THROUGHPUT_BATCH = 50
CENTRE = "123456"


def load_corpus(path: Path) -> list[ActRecord]:
    """One act JSON per line: a full export (``ecr-act/1``) or a draft ``{"type", "data"}``."""
    records = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            if '"format"' in line:
                records.append(parse_act_record(line))
            else:
                event_type, data = parse_act_json(line)
                records.append(ActRecord(event_type, data, status="validated",
                                         centre_code=CENTRE))
        except Exception as exc:
            raise SystemExit(f"{path}:{number}: {exc}") from None
    return records


@dataclasses.dataclass(frozen=True)
class Keys:
    """A centre that seals and the SCEC that opens, with a fresh authority."""

    sender: SenderKey
    recipient: RecipientCertificate
    scec: RecipientKey
    directory: StaticDirectory

    @classmethod
    def make(cls) -> Keys:
        authority = create_country_authority("SN", "Benchmark")
        key = generate_key()
        certificate = issue_centre_certificate(
            authority.issuing_key, authority.issuing_certificate,
            check_centre_request(build_centre_request(key, CENTRE), CENTRE), CENTRE)
        return cls(
            sender=SenderKey(key, subject_key_identifier(key.public_key())),
            recipient=RecipientCertificate.of(authority.encryption_certificate),
            scec=RecipientKey(authority.encryption_key,
                              subject_key_identifier(authority.encryption_key.public_key())),
            directory=StaticDirectory.of([(CENTRE, certificate)]),
        )


@dataclasses.dataclass
class Corpus:
    """One corpus to measure; ``path`` is a file already holding it, if any."""

    name: str
    source: str
    acts: list[ActRecord]
    path: Path | None = None
    dropped_invalid: int | None = None


def measure_sizes(acts: Sequence[ActRecord], keys: Keys,
                  sequence: Iterator[int]) -> dict[str, dict[str, float]]:
    """Bytes per act for each batch size (only whole batches are sealed)."""
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    batches: dict[str, dict[str, float]] = {}
    for size in BATCH_SIZES:
        total = body = containers = count = 0
        for start in range(0, len(acts) - size + 1, size):
            chunk = acts[start:start + size]
            _, data = seal_act_batch(chunk, centre=CENTRE, sequence=next(sequence),
                                     sender=keys.sender, recipient=keys.recipient)
            body += len(compression.compress(encode_acts(chunk, vocabulary)))
            total += len(data)
            containers += 1
            count += size
        if count:
            batches[str(size)] = {
                "bytes_per_act": round(total / count, 1),
                "body_bytes_per_act": round(body / count, 1),
                "overhead_bytes_per_container": round((total - body) / containers, 1),
                "containers": containers,
            }
    return batches


def measure_throughput(acts: Sequence[ActRecord], keys: Keys, sequence: Iterator[int], *,
                       validate: bool) -> tuple[float, float]:
    """(sealed, opened) acts per second on batches of 50 (or the whole corpus if smaller)."""
    size = min(THROUGHPUT_BATCH, len(acts))
    chunks = [acts[i:i + size] for i in range(0, len(acts) - size + 1, size)]
    began = time.perf_counter()
    sealed = [seal_act_batch(chunk, centre=CENTRE, sequence=next(sequence),
                             sender=keys.sender, recipient=keys.recipient)[1]
              for chunk in chunks]
    seal_seconds = time.perf_counter() - began
    began = time.perf_counter()
    opened = 0
    for data in sealed:
        opened += len(open_act_batch(data, keys.scec, keys.directory, validate=validate).acts)
    open_seconds = time.perf_counter() - began
    return size * len(chunks) / seal_seconds, opened / open_seconds


# -- the baseline: an old revision's own bench, in a worktree of its own ---------------------

@contextlib.contextmanager
def checkout(rev: str) -> Iterator[tuple[Path, str]]:
    """A temporary detached worktree of ``rev`` and the commit it names; removed on exit."""
    scratch = Path(tempfile.mkdtemp(prefix="ecr-bench-baseline-"))
    tree = scratch / "tree"
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                               str(tree), rev], capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"--baseline {rev}: {done.stderr.strip()}")
        commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        yield tree, commit
    finally:
        if tree.exists():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           capture_output=True, check=False)
        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True,
                       check=False)


class OldBench:
    """Runs an old revision's ``bench/container.py`` on one corpus file at a time.

    Revisions up to b5a12c0 print one corpus (``batches``, ``seal_acts_per_s``…);
    later ones print ``corpora`` and learn ``--files-only`` / ``--rounds``, which are
    passed when the old bench's ``--help`` offers them, so that it measures only the file.
    """

    def __init__(self, tree: Path, *, validate: bool) -> None:
        self.tree = tree
        self.env = {**os.environ, "PYTHONPATH": str(tree)}
        self.options = [] if validate else ["--no-validate"]
        usage = self._run(["--help"])
        for option, value in (("--files-only", []), ("--rounds", ["1"])):
            if option in usage:
                self.options += [option, *value]

    def _run(self, arguments: list[str]) -> str:
        done = subprocess.run([sys.executable, str(self.tree / "bench" / "container.py"),
                               *arguments], cwd=self.tree, env=self.env, capture_output=True,
                              text=True, check=False)
        if done.returncode:
            raise SystemExit(f"baseline bench {' '.join(arguments)}: {done.stderr.strip()}")
        return done.stdout

    def measure(self, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self._run(["--corpus", str(path), *self.options]))
        if "corpora" in result:
            result = result["corpora"][f"file:{path}"]
        return result


def write_jsonl(acts: Sequence[ActRecord], path: Path) -> Path:
    with path.open("wb") as out:
        for act in acts:
            out.write(act.to_json() + b"\n")
    return path


def _ratio(new: float | None, old: float | None, digits: int = 3) -> float | None:
    return round(new / old, digits) if new and old else None


def _at(batches: dict[str, Any], size: int) -> float | None:
    entry = batches.get(str(size))
    return entry["bytes_per_act"] if entry else None


# -- the run ----------------------------------------------------------------------------------

def build_corpora(args: argparse.Namespace) -> list[Corpus]:
    corpora = []
    if not args.files_only:
        corpora.append(Corpus("generator", f"realistic_records(seed={args.seed})",
                              realistic_records(args.acts, seed=args.seed)))
        try:
            from bench import adversarial_corpus, foreign_corpus
        except ImportError as exc:
            raise SystemExit(f"{exc}: the foreign and adversarial corpora need the bench extra "
                             "(pip install -e '.[bench]'), or pass --files-only") from None
        acts, dropped = foreign_corpus.build(args.acts)
        corpora.append(Corpus("foreign", f"foreign_corpus.build({args.acts}, "
                              f"seed={foreign_corpus.SEED})", acts, dropped_invalid=dropped))
        acts, dropped = adversarial_corpus.build(args.acts)
        corpora.append(Corpus("adversarial", f"adversarial_corpus.build({args.acts}, "
                              f"seed={adversarial_corpus.SEED})", acts, dropped_invalid=dropped))
    for path in args.corpus:
        corpora.append(Corpus(f"file:{path}", str(path), load_corpus(path), path=path))
    for corpus in corpora:
        if not corpus.acts:
            raise SystemExit(f"{corpus.name}: no acts to measure")
    return corpora


def run(args: argparse.Namespace) -> dict[str, Any]:
    validate = not args.no_validate
    corpora = build_corpora(args)
    keys = Keys.make()
    sequence = itertools.count(1)
    results: dict[str, dict[str, Any]] = {}
    for corpus in corpora:
        entry: dict[str, Any] = {"source": corpus.source, "acts": len(corpus.acts)}
        if corpus.dropped_invalid is not None:
            entry["dropped_invalid"] = corpus.dropped_invalid
        entry["batches"] = measure_sizes(corpus.acts, keys, sequence)
        results[corpus.name] = entry

    new: dict[str, list[tuple[float, float]]] = {c.name: [] for c in corpora}
    old: dict[str, list[dict[str, Any]]] = {c.name: [] for c in corpora}
    with contextlib.ExitStack() as stack:
        old_bench: OldBench | None = None
        files: dict[str, Path] = {}
        commit: str | None = None
        if args.baseline:
            tree, commit = stack.enter_context(checkout(args.baseline))
            old_bench = OldBench(tree, validate=validate)
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(
                prefix="ecr-bench-corpora-")))
            # The old bench runs in its own tree: absolute paths.
            files = {c.name: c.path.resolve() if c.path else
                     write_jsonl(c.acts, scratch / f"{n}.jsonl")
                     for n, c in enumerate(corpora)}
        for round_ in range(args.rounds):
            for corpus in corpora:
                sides = ["new", "old"] if old_bench else ["new"]
                if round_ % 2:
                    sides.reverse()
                for side in sides:
                    if side == "new":
                        new[corpus.name].append(measure_throughput(
                            corpus.acts, keys, sequence, validate=validate))
                    elif old_bench:
                        old[corpus.name].append(old_bench.measure(files[corpus.name]))

    for corpus in corpora:
        entry = results[corpus.name]
        entry["seal_acts_per_s"] = round(statistics.median(s for s, _ in new[corpus.name]))
        entry["open_acts_per_s"] = round(statistics.median(o for _, o in new[corpus.name]))
        if not old[corpus.name]:
            continue
        runs = old[corpus.name]

        def median(figure: str, runs: list[dict[str, Any]] = runs) -> float | None:
            values = [r[figure] for r in runs if r.get(figure) is not None]
            return round(statistics.median(values)) if values else None

        def median_at(size: int, runs: list[dict[str, Any]] = runs) -> float | None:
            values = [v for r in runs if (v := _at(r["batches"], size)) is not None]
            return round(statistics.median(values), 1) if values else None

        baseline: dict[str, Any] = {"rev": commit, "bytes_per_act_at_50": median_at(50),
                    "at_200": median_at(200), "seal_acts_per_s": median("seal_acts_per_s"),
                    "open_acts_per_s": median("open_acts_per_s"), "rounds": len(runs)}
        entry["baseline"] = baseline
        entry["bytes_at_50_new_over_old"] = _ratio(_at(entry["batches"], 50),
                                                   baseline["bytes_per_act_at_50"])
        entry["seal_new_over_old"] = _ratio(entry["seal_acts_per_s"],
                                            baseline["seal_acts_per_s"])
        entry["open_new_over_old"] = _ratio(entry["open_acts_per_s"],
                                            baseline["open_acts_per_s"])

    adversarial, foreign = results.get("adversarial"), results.get("foreign")
    return {
        "corpora": results,
        "adversarial_vs_foreign_at_50": _ratio(
            _at(adversarial["batches"], 50), _at(foreign["batches"], 50))
        if adversarial and foreign else None,
        "dictionary": compression.CURRENT_DICTIONARY,
        "batch_sizes": list(BATCH_SIZES),
        "throughput_batch": THROUGHPUT_BATCH,
        "rounds": args.rounds,
        "validate": validate,
        "baseline": args.baseline,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[],
                        help="acts as JSON lines (repeatable: each file is its own corpus)")
    parser.add_argument("--acts", type=int, default=2000,
                        help="size of the generator, foreign and adversarial corpora")
    parser.add_argument("--seed", type=int, default=MEASURE_SEED,
                        help="the generator corpus's seed")
    parser.add_argument("--files-only", action="store_true",
                        help="measure the --corpus files only, not the built corpora")
    parser.add_argument("--no-validate", action="store_true",
                        help="do not validate acts when opening (for corpora of drafts)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="throughput rounds per corpus (the median is kept)")
    parser.add_argument("--baseline", metavar="REV", default=None,
                        help="also run this git revision's bench on every corpus")
    args = parser.parse_args()
    if not args.files_only and args.seed == TRAINING_SEED:
        parser.error("measure on another seed than the dictionary's training seed")
    if args.files_only and not args.corpus:
        parser.error("--files-only needs at least one --corpus")
    if args.rounds < 1 or args.acts < 1:
        parser.error("--rounds and --acts must be at least 1")
    json.dump(run(args), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
