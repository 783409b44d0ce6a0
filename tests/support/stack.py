"""Provision template.yaml's resources in moto for tests (the same code the demo uses)."""

from __future__ import annotations

from pathlib import Path

from stockguard_dev.local.provision import provision
from stockguard_dev.local.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


def local_stack(**kwargs):
    return provision(load_template(TEMPLATE), **kwargs)
