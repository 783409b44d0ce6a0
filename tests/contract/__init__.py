"""One contract suite for the storage ports, run against the in-memory and the DynamoDB adapters."""
