"""Backtests: replay model versions over a period and compare what they would have done."""
