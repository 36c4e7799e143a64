"""csc_report.yaml_files: the C parser reads every packaged YAML file to the values PyYAML's pure-Python
safe loader gives, and a broken file still fails with the line a message can name."""

from __future__ import annotations

import pytest
import yaml

from csc_report.settings import CONFIG_DIR, SQL_DIR
from csc_report.yaml_files import SAFE_LOADER, YAMLError, read_yaml

PACKAGED = sorted([*CONFIG_DIR.rglob("*.yaml"), *SQL_DIR.rglob("*.yaml")])


def test_the_c_parser_is_used_where_pyyaml_has_it():
    assert SAFE_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_packaged_file_reads_as_the_pure_python_safe_loader_reads_it(path):
    assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_no_python_objects_and_a_broken_file_names_its_line(tmp_path):
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(YAMLError):
        read_yaml(unsafe)
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\nb: [2, 3\nc: 4\n", encoding="utf-8")
    with pytest.raises(YAMLError) as raised:
        read_yaml(broken)
    assert raised.value.problem_mark.line + 1 >= 3
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert read_yaml(empty) is None
