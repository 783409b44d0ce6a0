"""Integration fixtures: the template's resources provisioned in moto (in process)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from stockguard.state.dynamo import reset_clients
from tests.support.stack import local_stack


@pytest.fixture
def aws_stack():
    with mock_aws():
        reset_clients()
        yield local_stack()
        reset_clients()
