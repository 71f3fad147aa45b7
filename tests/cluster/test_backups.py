"""Where backups of old values live, and what they keep."""

from __future__ import annotations

import stat

from tui.cluster.backups import Backups
from tui.model.paths import state_dir


def test_state_dir_follows_the_override_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBEKNOBS_STATE_DIR", str(tmp_path / "override"))
    assert state_dir() == tmp_path / "override"
    monkeypatch.delenv("KUBEKNOBS_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "kubeknobs"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "kubeknobs"


def test_history_is_newest_first_private_and_safe_for_odd_names(tmp_path):
    backups = Backups("ctx/with:odd", tmp_path)
    first = backups.save("ns", "cm", "../key.yaml", "old", "new", "1")
    second = backups.save("ns", "cm", "../key.yaml", "new", "newer", "2")
    assert [b.resource_version for b in backups.history("ns", "cm", "../key.yaml")] == ["2", "1"]
    assert tmp_path in first.path.parents and ".." not in first.path.relative_to(tmp_path).parts
    assert stat.S_IMODE(second.path.stat().st_mode) == 0o600
    backups.discard(second)
    assert backups.latest("ns", "cm", "../key.yaml").old_value == "old"


def test_a_key_that_did_not_exist_is_remembered_as_absent(tmp_path):
    backups = Backups("ctx", tmp_path)
    backups.save("ns", "cm", "new-key", None, "value", "3")
    assert backups.latest("ns", "cm", "new-key").old_value is None
