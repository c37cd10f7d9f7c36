"""Monitoring: balance thresholds and alerts (`balance_monitor`), the balance forecast
(`forecast`), and the finance dashboard's metrics (`dashboard_metrics`)."""
