"""The domain model and the change use-case stay pure: importing them loads neither textual nor kubernetes."""

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import tui.model
for info in pkgutil.walk_packages(tui.model.__path__, "tui.model."):
    importlib.import_module(info.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {"textual", "kubernetes"})
print(",".join(bad))
"""


def test_model_imports_neither_textual_nor_kubernetes():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_help_does_not_import_kubernetes():
    probe = "import sys; import tui.cli; tui.cli.build_parser(); print('kubernetes' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


CHANGE_PROBE = """
import importlib, pkgutil, sys
import tui.change
for info in pkgutil.walk_packages(tui.change.__path__, "tui.change."):
    importlib.import_module(info.name)
bad = sorted(
    m for m in sys.modules if m.split(".")[0] in {"textual", "kubernetes"} or m.startswith(("tui.cluster", "tui.screens"))
)
print(",".join(bad))
"""


def test_change_imports_neither_textual_kubernetes_nor_the_cluster_package():
    out = subprocess.run([sys.executable, "-c", CHANGE_PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
