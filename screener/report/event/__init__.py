"""Reports of an event-study result (``screener event``): the terminal tables and the
html, md, csv, json and xlsx files, each a module with ``files(stem)`` and
``render(view, stem)`` like the backtest's (:mod:`screener.report`)."""
