"""bitmart-runner: declarative, reviewable order plans for BitMart USDT-M futures."""

__version__ = "0.1.0"

DISCLAIMER = "Not financial advice. Futures trading carries significant risk of loss."
