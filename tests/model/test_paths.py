"""kubeknobs' directories follow XDG on every platform, and the state dir can be pinned."""

from pathlib import Path

from tui.model.paths import config_dir, state_dir


def test_xdg_variables_choose_the_directories(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("KUBEKNOBS_STATE_DIR", raising=False)
    assert config_dir() == tmp_path / "config" / "kubeknobs"
    assert state_dir() == tmp_path / "state" / "kubeknobs"


def test_without_them_the_home_directory_holds_both(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "KUBEKNOBS_STATE_DIR"):
        monkeypatch.setenv(name, "")  # empty counts as unset, as XDG asks
    assert config_dir() == Path(tmp_path, ".config", "kubeknobs")
    assert state_dir() == Path(tmp_path, ".local", "state", "kubeknobs")


def test_kubeknobs_state_dir_wins_over_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("KUBEKNOBS_STATE_DIR", str(tmp_path / "pinned"))
    assert state_dir() == tmp_path / "pinned"
