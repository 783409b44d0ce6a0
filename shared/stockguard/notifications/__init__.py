"""SP-API notifications (and StockGuard's own re-evaluation message) -> validated facts.

parse_notification(body) -> ParsedNotification      raises NotificationError
build_reevaluate_message(products, at, notification_id) -> str
reevaluation_id(products, at, source=notification id that asked for it) -> str
"""

from stockguard.notifications.errors import NotificationError
from stockguard.notifications.parser import parse_notification
from stockguard.notifications.reevaluate import build_reevaluate_message, reevaluation_id

__all__ = ["NotificationError", "build_reevaluate_message", "parse_notification", "reevaluation_id"]
