"""Fixtures: the fake Notifications API on 127.0.0.1 and a helper that runs `stockguard subscribe`."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from stockguard_dev.cli.subscribe import add_parser
from tests.support.fake_notifications_api import FakeNotificationsApi

INVENTORY_ARN = "arn:aws:sqs:us-east-1:123456789012:stockguard-inventory"
OFFER_ARN = "arn:aws:sqs:us-east-1:123456789012:stockguard-offers"


@dataclass
class CliRun:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def fake():
    with FakeNotificationsApi() as server:
        yield server


@pytest.fixture
def creds_file(tmp_path: Path, fake: FakeNotificationsApi) -> Path:
    path = tmp_path / "spapi.json"
    path.write_text(json.dumps(fake.credentials()))
    return path


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def subscribe(capsys, fake, creds_file, sleeps):
    """Run the subcommand through argparse; endpoints point at the fake unless the test says otherwise."""

    def run(*argv: str, endpoints: bool = True, credentials: bool = True, **kwargs) -> CliRun:
        parser = argparse.ArgumentParser(prog="stockguard")
        add_parser(parser.add_subparsers(dest="command", required=True))
        extra = ["--endpoint", fake.base_url, "--lwa-endpoint", fake.lwa_url] if endpoints else []
        if credentials:
            extra += ["--credentials-file", str(creds_file)]
        args = parser.parse_args(["subscribe", *argv, *extra])
        capsys.readouterr()
        code = args.func(args, sleep=sleeps.append, **kwargs)
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run
