"""Makes this folder the package negotiation.data.scenarios, so that the installed game ships it (see pyproject.toml)."""
