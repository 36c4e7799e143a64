"""Modules Great Expectations imports but this product never runs, loaded only if something uses them.

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
import importlib.util
import sys
import types

NEVER_RUN = ("altair", "scipy.stats")


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
