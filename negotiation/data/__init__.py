"""The files shipped with the game: scenarios (with their schema, sources and sweeps) and lessons.

Their one copy is the project's top-level `scenarios/` and `lessons/` folders; pyproject.toml maps
them onto `negotiation.data.scenarios` and `negotiation.data.lessons`, so that a wheel carries
them. Read them through `negotiation.common.shipped`, not by path.
"""
