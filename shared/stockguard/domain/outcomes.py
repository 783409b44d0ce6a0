"""The one outcome vocabulary: what became of a decision, from the Ads port to the audit, metrics and CLI.

The Ads API port reports the first three per entity (stockguard.ads.port.UpdateResult); the executor adds
the two that never reach Amazon. Values are the strings the audit table, `--json` lines and the CLI print.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    APPLIED = "applied"  # Amazon applied the change
    FAILED = "failed"  # Amazon refused it (4xx item error): not retried
    THROTTLED = "throttled"  # retry later (429, 5xx, throttledError/internalServerError inside a 207, budget spent, storage)
    SKIPPED = "skipped"  # nothing sent: the re-read or the ledger said the change is not ours to make
    MONITOR = "monitor"  # monitor mode: the would-be change, audited, never sent

    @property
    def retried(self) -> bool:
        """The notification behind it must come back (a batch item failure)."""
        return self in (Outcome.FAILED, Outcome.THROTTLED)
