"""The ad index: which ad entities advertise an ASIN or SKU in a profile, kept fresh by a sync."""
