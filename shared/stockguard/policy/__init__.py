"""Configuration model and the pure decision policy (no I/O)."""

from stockguard.policy.config import ConfigError, Mode, ProductRules, StockGuardConfig, config_json_schema, load_config
from stockguard.policy.decide import decide
from stockguard.policy.product import ProductState
from stockguard.policy.stock import available_stock

__all__ = [
    "ConfigError",
    "Mode",
    "ProductRules",
    "ProductState",
    "StockGuardConfig",
    "available_stock",
    "config_json_schema",
    "decide",
    "load_config",
]
