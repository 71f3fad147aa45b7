"""The config file and theme files: good ones load, bad ones are named and fall back."""

import re
from pathlib import Path

import pytest

from tui.config import load_config
from tui.themes import PROJECT_THEMES_DIR, load_theme_file, load_themes

REPO = Path(__file__).resolve().parents[2]


def test_missing_config_file_gives_defaults(tmp_path):
    config, problems = load_config(tmp_path / "none.yaml")
    assert problems == [] and config.theme is None and config.keymap == {} and not config.readonly


def test_config_file_sets_theme_keymap_namespaces_readonly(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "theme: kubeknobs-light\nkeymap:\n  controllers.logs: ctrl+l\nnamespaces: [kubernaut-system]\n"
        "readonly: true\n"
    )
    config, problems = load_config(path)
    assert problems == []
    assert config.theme == "kubeknobs-light"
    assert config.keymap == {"controllers.logs": "ctrl+l"}
    assert config.namespaces == ["kubernaut-system"]
    assert config.readonly is True


@pytest.mark.parametrize(
    "text, expected",
    [
        ("theme: [1\n", "not readable as YAML"),
        ("- a\n- b\n", "expected a mapping"),
        ("readonly: maybe\n", "readonly must be true or false"),
        ("keymap: ctrl+l\n", "keymap must map binding ids"),
        ("colour: red\n", "unknown setting 'colour'"),
    ],
)
def test_bad_config_file_is_reported_and_defaults_used(tmp_path, text, expected):
    path = tmp_path / "config.yaml"
    path.write_text(text)
    config, problems = load_config(path)
    assert any(expected in p for p in problems), problems
    assert config.readonly is False


def test_project_themes_load_and_ship_in_the_package():
    themes, problems = load_themes([PROJECT_THEMES_DIR])
    assert problems == []
    assert {"kubeknobs-dark", "kubeknobs-light"} <= set(themes)
    assert themes["kubeknobs-dark"].dark and not themes["kubeknobs-light"].dark


def test_packaged_themes_are_the_repository_themes():
    for source in sorted((REPO / "themes").glob("*.yaml")):
        assert (PROJECT_THEMES_DIR / source.name).read_text() == source.read_text(), source.name


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: x\nprimary: notacolour\n", "primary: 'notacolour' is not a colour"),
        ("primary: '#ffffff'\n", "missing `name`"),
        ("name: x\n", "missing `primary` colour"),
        ("name: x\nprimary: '#fff'\nsparkle: yes\n", "unknown field 'sparkle'"),
        ("name: x\nprimary: '#fff\n", "invalid YAML at line 3"),
    ],
)
def test_bad_theme_file_names_the_problem(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(expected)):
        load_theme_file(path)
    themes, problems = load_themes([PROJECT_THEMES_DIR, tmp_path])
    assert "kubeknobs-dark" in themes
    assert [str(p) for p in problems] == [f"bad.yaml: {expected}"]
