"""tests/conftest.py SLOW_TESTS names tests that exist: a renamed test would otherwise silently move back
into `make test` (or, worse, a typo would mark nothing and nobody would notice)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, SLOW_TESTS

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("test_id", sorted(SLOW_TESTS))
def test_each_slow_entry_names_a_test_function(test_id):
    path, function = test_id.split("::")
    source = (ROOT / "tests" / path).read_text(encoding="utf-8")
    assert re.search(rf"^def {re.escape(function)}\(", source, re.MULTILINE), f"{test_id}: no such test"
