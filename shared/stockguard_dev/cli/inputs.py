"""Read the user's notification files for `stockguard replay`.

Accepted, per file: a raw SP-API notification (one JSON object), a Lambda SQS event ({"Records": [...]},
as in events/), or JSON lines where each line is either of those. A directory stands for its *.json and
*.jsonl files in name order. Each file is one batch (an SQS event file: the batch it holds; a JSON-lines
file: one batch per line), in the order given, as SQS would deliver notifications that arrived hours apart.
A batch is never split: an SQS event of any size reaches each function as one invocation, exactly as
written, as Lambda delivered it (stockguard_dev.cli.embedded.EmbeddedStack.deliver).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


class InputError(ValueError):
    """A bad input file: the message names the file (and line) and the problem."""


@dataclass(frozen=True)
class InputBatch:
    source: str  # file (and line) it came from
    bodies: tuple[str, ...]  # SQS message bodies, in order


def expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl") and p.is_file())
            if not found:
                raise InputError(f"{path}: directory holds no .json or .jsonl files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or directory")
    return files


def _bodies(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a JSON object (a notification or an SQS event), got {type(value).__name__}")
    if "Records" in value:
        records = value["Records"]
        if not isinstance(records, list) or not records:
            raise InputError(f"{where}: 'Records' must be a non-empty list")
        bodies = []
        for i, record in enumerate(records):
            if not isinstance(record, dict) or not isinstance(record.get("body"), str):
                raise InputError(f"{where}: Records[{i}] has no string 'body' (is this an SQS event?)")
            bodies.append(record["body"])
        return tuple(bodies)
    # A raw notification: delivered as the SQS body, exactly as SP-API sends it.
    return (json.dumps(value, separators=(",", ":")),)


def load_batches(paths: list[str]) -> list[InputBatch]:
    batches: list[InputBatch] = []
    for path in expand(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read: {error}") from None
        if not text.strip():
            raise InputError(f"{path}: file is empty")
        if path.suffix == ".jsonl":
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"{where}: not valid JSON ({error.msg})") from None
                batches.append(InputBatch(source=where, bodies=_bodies(value, where)))
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            # Perhaps JSON lines with a .json name.
            lines = [line for line in text.splitlines() if line.strip()]
            try:
                values = [json.loads(line) for line in lines]
            except json.JSONDecodeError:
                raise InputError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
            for number, item in enumerate(values, start=1):
                batches.append(InputBatch(source=f"{path}:{number}", bodies=_bodies(item, f"{path}:{number}")))
            continue
        batches.append(InputBatch(source=str(path), bodies=_bodies(value, str(path))))
    return batches
