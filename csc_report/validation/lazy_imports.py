"""Modules Great Expectations imports but this product never runs: loaded only if something uses them, or
not at all.

`import great_expectations` imports every expectation it ships, and one of them (the KL-divergence
expectation) imports altair and scipy.stats at module level, as do two distribution metrics (scipy.stats):
about 0.8 s of a quiet machine's import for code no suite here calls, each use inside a function. Each
module named here is first a stand-in in `sys.modules` carrying the real module's spec; the first read
of an attribute it lacks imports the real module and makes the stand-in its copy. GX's files stay as
shipped, and a check that did need scipy or altair would load it then. (Python 3.11's `LazyLoader` does
not serve: the `import` statement itself reads `__spec__`, which loads the module.)
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager

NEVER_RUN = ("altair", "scipy.stats")
# GX's optional back-ends for SQL databases and S3 stores: it imports each at start if it is installed
# (Prefect brings SQLAlchemy, the S3 source brings botocore) and runs without it otherwise, as on a plain
# `pip install great_expectations`. This product validates pandas frames in memory and keeps its stores
# there, so GX never uses them: hidden while GX imports, they cost it nothing (about 0.5-1 CPU s a
# process, a quarter to a third of `import great_expectations` on this project's machine).
OPTIONAL_BACKENDS = ("sqlalchemy", "boto3", "botocore")


class _Deferred(types.ModuleType):
    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer(names: tuple[str, ...] = NEVER_RUN) -> None:
    """Make each module of `names` (installed, not yet imported) load on first use."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec
        stand_in.__path__ = spec.submodule_search_locations or []
        sys.modules[name] = stand_in


class _Hidden(importlib.abc.MetaPathFinder):
    """Answers an import of any module of `names` (or below them) as not installed."""

    def __init__(self, names: tuple[str, ...]):
        self.names = set(names)

    def find_spec(self, fullname, path, target=None):
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


@contextmanager
def hidden(names: tuple[str, ...] = OPTIONAL_BACKENDS) -> Iterator[None]:
    """Within the block, importing a module of `names` that is not imported yet fails as if it were not
    installed; one already imported stays as it is (GX then finds it, as before). Afterwards every
    import works again, so the product's own users of these modules (Prefect's server, the S3 source)
    get the real ones; only the modules imported within the block keep their stand-ins."""
    finder = _Hidden(tuple(n for n in names if n not in sys.modules))
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
