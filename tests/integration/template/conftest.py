"""The real template.yaml, parsed once by the same reader the local harness uses."""

from __future__ import annotations

import pytest

from stockguard_dev.local.template import load_template
from tests.integration.template.cfn import TEMPLATE


@pytest.fixture(scope="session")
def template() -> dict:
    return load_template(TEMPLATE)
