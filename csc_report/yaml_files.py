"""Reading YAML: the one place that parses it, with PyYAML's C parser where it is built in.

Every process parses the packaged configuration (config/lists.yaml, codes.yaml, the indicator families'
files, standards) before it does anything, and PyYAML's pure-Python parser took about 0.2 CPU s of each
start for it; the C parser (libyaml, in PyYAML's wheels) reads the same files to equal values in about a
tenth of that. Both are the safe loader: plain data only, no Python objects. Where libyaml is missing the
pure-Python safe loader is used, with the same results.
"""

from __future__ import annotations

from pathlib import Path

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def read_yaml(path: Path):
    """The YAML document in the UTF-8 file `path`, as plain data (None when empty). Raises OSError,
    UnicodeDecodeError or YAMLError for the caller to name the file in its own one-line message."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
