"""Where kubeknobs keeps its files: the XDG base directories, on every platform (macOS too)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kubeknobs"


def config_dir() -> Path:
    """$XDG_CONFIG_HOME/kubeknobs, else ~/.config/kubeknobs: config.yaml, themes/, profiles/."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / APP_NAME


def state_dir() -> Path:
    """$KUBEKNOBS_STATE_DIR, else $XDG_STATE_HOME/kubeknobs, else ~/.local/state/kubeknobs."""
    override = os.environ.get("KUBEKNOBS_STATE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / APP_NAME
