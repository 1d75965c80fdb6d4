"""Screen and rank: factors for theme members, boards and the whole market."""
