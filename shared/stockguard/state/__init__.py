"""DynamoDB adapters: stock and offer facts, deduplication, ownership ledger, audit log."""
