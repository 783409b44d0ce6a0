"""The `stockguard` command: demo, replay, subscribe, status, sync-index."""
