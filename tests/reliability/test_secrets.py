"""A planted Secret value is grepped for in every output: screen, YAML, logs, history, backups, explain, crashes."""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from textual.widgets import TextArea

from tests.kube import kubectl
from tests.reliability.conftest import SECRET_VALUE
from tests.reliability.hostile import screen_text
from tests.reliability.steps import synced
from tests.ui.harness import SIZE
from tests.waiting import eventually_async
from tui.screens.detail import DetailScreen
from tui.screens.yaml_view import YamlScreen

NS = "kubernaut-system"
USER = ("Deployment", NS, "secret-user")
ENCODED = base64.b64encode(SECRET_VALUE.encode()).decode()
ROOT = Path(__file__).resolve().parents[2]

SECRET = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "planted", "namespace": NS},
    "type": "Opaque",
    "data": {"api-key": ENCODED},
    "stringData": {"password": SECRET_VALUE},
}
WORKLOAD = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "secret-user", "namespace": NS},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "secret-user"}},
        "template": {
            "metadata": {"labels": {"app": "secret-user"}},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "example/app:1",
                        "args": ["--api-key=$(API_KEY)", "--config=/etc/app/cfg"],
                        "env": [
                            {
                                "name": "API_KEY",
                                "valueFrom": {"secretKeyRef": {"name": "planted", "key": "api-key"}},
                            }
                        ],
                        "envFrom": [{"secretRef": {"name": "planted"}}],
                        "volumeMounts": [
                            {"name": "creds", "mountPath": "/etc/creds"},
                            {"name": "both", "mountPath": "/etc/both"},
                        ],
                    }
                ],
                "volumes": [
                    {"name": "creds", "secret": {"secretName": "planted"}},
                    {"name": "both", "projected": {"sources": [{"secret": {"name": "planted"}}]}},
                ],
            },
        },
    },
}


def leaks(text: str) -> list[str]:
    return [v for v in (SECRET_VALUE, ENCODED) if v in text]


def planted(cluster) -> None:
    """Applied with kubectl, so the last-applied annotation holds the values too."""
    out = kubectl(
        cluster, "apply", "--validate=false", "-f", "-", input=yaml.safe_dump_all([SECRET, WORKLOAD])
    )
    assert out.returncode == 0, out.stderr


@pytest.fixture
def secret_demo(demo):
    planted(demo)
    return demo


async def test_no_screen_shows_a_secret_value_and_the_secret_yaml_is_redacted(
    secret_demo, make_app, caplog, capfd
):
    caplog.set_level(logging.DEBUG)
    app = make_app(secret_demo)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        table = await synced(app, pilot, at_least=12)
        seen.append(screen_text(app))
        table.move_to(USER)
        await pilot.press("enter")
        await eventually_async(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.query_one("#settings").settings,
            message="the settings of the workload",
        )
        settings = app.screen.query_one("#settings").settings
        assert any(s.secret for s in settings)
        for _ in settings:  # the evidence panel of every setting
            seen.append(screen_text(app))
            await pilot.press("j")
        await pilot.press("y")
        area = app.screen.query_one(TextArea)
        await eventually_async(
            pilot, lambda: "kind: Deployment" in area.text, message="the YAML of the workload"
        )
        seen += [area.text, screen_text(app)]
        await pilot.press("escape", "escape")
        await app.push_screen(YamlScreen(("Secret", NS, "planted")))
        area = app.screen.query_one(TextArea)
        await eventually_async(pilot, lambda: "kind: Secret" in area.text, message="the YAML of the Secret")
        seen += [area.text, screen_text(app)]
        assert "api-key: <redacted>" in area.text and "password: <redacted>" in area.text
        await pilot.press("escape")
        await pilot.press("v")
        seen.append(screen_text(app))
        seen += [str(e) for e in app.event_history]
    out, err = capfd.readouterr()
    seen += [out, err, caplog.text]
    assert all(not leaks(text) for text in seen), [leaks(t) for t in seen]


def test_secret_backed_settings_are_refused_by_the_wizard_and_never_reach_history_or_backups(
    secret_demo, session, state_dir
):
    from tui.change.flow import ChangeFlow
    from tui.change.plan import Route
    from tui.history import ChangeHistory

    settings = session.settings(USER)
    secret_settings = [s for s in settings if s.secret]
    assert secret_settings and not leaks(repr(secret_settings))
    for setting in secret_settings:
        flow = ChangeFlow(setting, USER, session, history=ChangeHistory())
        assert flow.prepare().route == Route.REFUSED
        assert "never shows or edits Secret values" in flow.plan.summary or flow.plan.route == Route.REFUSED
    # a real change next to them: its history and backup hold no Secret value either
    level = next(
        s
        for s in session.settings(("Deployment", NS, "workflowexecution-controller"))
        if s.key_path == "logging.level"
    )
    flow = ChangeFlow(
        level, ("Deployment", NS, "workflowexecution-controller"), session, history=ChangeHistory()
    )
    flow.prepare()
    flow.edit("DEBUG")
    assert flow.apply().ok
    files = [p for p in state_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert not leaks(path.read_text(errors="replace")), path
    assert not leaks(json.dumps([s.to_json() if hasattr(s, "to_json") else str(s) for s in settings]))


def test_the_yaml_of_a_secret_redacts_data_string_data_and_the_last_applied_copy(secret_demo, session):
    text = session.object_yaml("Secret", NS, "planted")
    assert not leaks(text)
    doc = yaml.safe_load(text)
    assert doc["data"] == {"api-key": "<redacted>", "password": "<redacted>"}
    applied = json.loads(doc["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert set(applied["data"].values()) == {"<redacted>"} and applied["stringData"] == {
        "password": "<redacted>"
    }


def test_explain_output_never_holds_a_secret_value(tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(yaml.safe_dump_all([SECRET, WORKLOAD]))
    for output in ("table", "json"):
        out = subprocess.run(
            [sys.executable, "-m", "tui", "explain", "-f", str(path), "-o", output],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert out.returncode == 0, out.stderr
        assert "API_KEY" in out.stdout
        assert not leaks(out.stdout + out.stderr)


CRASH = """
import os
from pathlib import Path

import tui.app
from tui.app import KubeknobsApp


class Crashing(KubeknobsApp):
    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))

    def on_mount(self):
        api_key = os.environ["PLANTED"]  # a frame that holds a Secret value when the bug strikes
        raise RuntimeError("bug with " + str(len(api_key)) + " characters in hand")


Crashing(connect=False, watch_themes=False).run(headless=True, size=(80, 24))
"""


def test_a_crash_report_shows_no_local_values(tmp_path):
    script = tmp_path / "crashing.py"
    script.write_text(CRASH)
    out = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "PLANTED": SECRET_VALUE,
        },
    )
    report = out.stdout + out.stderr
    assert "RuntimeError" in report and "characters in hand" in report
    assert not leaks(report), report[-3000:]
