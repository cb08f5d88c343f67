"""The files shipped with the game: scenarios (with their schema, sources and sweeps) and lessons.

Their one copy is the project's top-level `scenarios/` and `lessons/` folders; pyproject.toml maps
them onto `negotiation.data.scenarios` and `negotiation.data.lessons`, so that a wheel carries
them. Read them through `negotiation.common.shipped`, not by path.
"""

from pathlib import Path

# In a checkout, the data packages are that checkout's own top-level folders: a package may add
# folders to its `__path__` to be searched for its subpackages. So the code and the files always
# come from the same checkout, even where an editable install points at another checkout (a
# second worktree) or predates the mapping. In a wheel the folders are inside this package, which
# is searched first.
_CHECKOUT = Path(__file__).resolve().parents[2]
if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "scenarios" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))
