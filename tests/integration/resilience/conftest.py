from tests.integration.pipeline.conftest import world  # noqa: F401  (the same seller, ads and index)
