"""A kubeconfig that cannot be used: a missing file, an unknown context, a credential plugin that fails or hangs.

Each ends on the start-up error screen with what went wrong and how to fix it; nothing hangs, nothing is left running.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

import tui.cluster.connect as connect
from tests.ui.harness import CONTEXT, SIZE
from tests.waiting import eventually_async
from tui.cluster.connect import ConnectError, load_connection, open_api
from tui.screens.startup_error import StartupErrorScreen


def with_exec_user(cluster, tmp_path: Path, script: str) -> str:
    """The cluster's kubeconfig with every user's credentials coming from `script`."""
    plugin = tmp_path / "plugin.sh"
    plugin.write_text("#!/bin/sh\n" + textwrap.dedent(script))
    plugin.chmod(0o755)
    doc = yaml.safe_load(Path(cluster.kubeconfig).read_text())
    for user in doc["users"]:
        user["user"] = {
            "exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": str(plugin),
                "interactiveMode": "Never",
            }
        }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    return str(path)


def processes_with(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if marker in line and "ps -eo" not in line]


async def startup_error(make_app, pilot_timeout: float = 60, **kw) -> tuple[str, str, str]:
    app = make_app(**kw)
    async with app.run_test(size=SIZE) as pilot:
        await eventually_async(
            pilot,
            lambda: isinstance(app.screen, StartupErrorScreen),
            message="the error screen",
            timeout=pilot_timeout,
        )
        error = app.screen.error
        assert app.status_info.state == "failed"
        return error.kind, error.title, error.detail


@pytest.fixture
def make_app(tmp_path, state_dir):
    from tui.app import KubeknobsApp

    def make(**kw):
        return KubeknobsApp(watch_themes=False, themes_dir=tmp_path / "themes", **kw)

    return make


async def test_a_missing_kubeconfig_file_is_named(make_app, tmp_path):
    missing = tmp_path / "nope" / "config"
    kind, title, _ = await startup_error(make_app, kubeconfig=str(missing))
    assert kind == "no-kubeconfig" and str(missing) in title


async def test_an_unknown_context_lists_the_known_ones(make_app, localcluster):
    kind, title, detail = await startup_error(make_app, kubeconfig=localcluster.kubeconfig, context="prod-eu")
    assert kind == "unknown-context" and "prod-eu" in title and CONTEXT in detail


async def test_a_failing_credential_plugin_shows_its_own_words(make_app, localcluster, tmp_path):
    path = with_exec_user(
        localcluster,
        tmp_path,
        """\
        echo "error: the refresh token has expired; run 'cloud auth login'" >&2
        exit 1
    """,
    )
    kind, title, detail = await startup_error(make_app, kubeconfig=path, context=CONTEXT)
    assert kind == "exec-plugin" and "plugin.sh" in title
    assert "refresh token has expired" in detail and "exit code 1" in detail


async def test_a_plugin_that_prints_garbage_is_refused(make_app, localcluster, tmp_path):
    path = with_exec_user(localcluster, tmp_path, "echo 'please open https://login.example in a browser'\n")
    kind, _, detail = await startup_error(make_app, kubeconfig=path, context=CONTEXT)
    assert kind == "exec-plugin" and "not an ExecCredential" in detail


async def test_a_hanging_credential_plugin_is_stopped_with_everything_it_started(
    make_app, localcluster, tmp_path, monkeypatch
):
    marker = f"sleep 600.{os.getpid()}"  # a child of the plugin that would outlive a plain kill
    path = with_exec_user(
        localcluster,
        tmp_path,
        f"""\
        {marker} &
        wait
    """,
    )
    monkeypatch.setattr(connect, "EXEC_PLUGIN_TIMEOUT", 2.0)
    kind, title, _ = await startup_error(make_app, kubeconfig=path, context=CONTEXT)
    assert kind == "exec-plugin" and "did not answer within 2s" in title
    assert processes_with(marker) == []


def test_open_api_on_a_hanging_plugin_raises_instead_of_waiting(localcluster, tmp_path, monkeypatch):
    path = with_exec_user(localcluster, tmp_path, "sleep 600\n")
    monkeypatch.setattr(connect, "EXEC_PLUGIN_TIMEOUT", 1.0)
    with pytest.raises(ConnectError) as err:
        open_api(load_connection(path, CONTEXT))
    assert err.value.kind == "exec-plugin"
