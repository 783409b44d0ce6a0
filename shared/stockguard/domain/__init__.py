"""Pure domain types shared by every layer: no I/O, no AWS, no HTTP."""
