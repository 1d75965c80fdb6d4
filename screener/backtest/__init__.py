"""Backtest theme baskets under A-share rules (backtrader), against a benchmark and the
story's claims. Heavy modules (pandas, backtrader) load only when a backtest runs."""
