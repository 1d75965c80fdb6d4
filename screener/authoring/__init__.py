"""Theme authoring: find the listed firms a story names and draft a theme from them,
or turn a concept/industry board into a theme.

- :mod:`screener.authoring.names`: the table of firm names (universe + known themes +
  extra aliases) and unlisted groups with their listed arms, from ``data/``.
- :mod:`screener.authoring.matcher`: longest-match search for names and codes in text.
- :mod:`screener.authoring.text`: sentences and dates in Chinese (and English) text.
- :mod:`screener.authoring.claims`: price claims (percent moves, limit-up) to confirm.
- :mod:`screener.authoring.extract`: the whole extraction of one text.
- :mod:`screener.authoring.draft`: the draft theme YAML, with review comments.
- :mod:`screener.authoring.board`: a board's constituents as a theme.
"""
