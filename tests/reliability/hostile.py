"""Hostile text planted in a cluster, and the checks that it reached the screen as plain characters."""

from __future__ import annotations

import html
import re

NS = "kubernaut-system"
MARKUP = "[bold red]x[/]"
CLICK = "[@click=app.quit]q[/]"
ESCAPES = "\x1b[2J\x1b]52;c;SGVsbG8=\x07\x1b[31mred\x1b[0m"
CONTROLS = "bell\x07back\x08nul\x00del\x7fcsi\x9b31m"
HOSTILE = f"{MARKUP} {CLICK} {ESCAPES} {CONTROLS}"
BAD_CHARS = ("\x1b", "\x07", "\x08", "\x00", "\x7f", "\x9b")

CONFIG_YAML = f'title: "{MARKUP} {CLICK}"\nbanner: "\\e[2J\\e]52;c;SGVsbG8=\\a\\e[31mred"\nlevel: INFO\n'


def plant(cluster) -> None:
    """A Deployment, ConfigMap, Event and log lines whose text is markup, escape sequences and controls."""
    store = cluster.store
    cluster.call(
        store.create,
        "configmaps",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "hostile-config", "namespace": NS, "annotations": {"note": HOSTILE}},
            "data": {"config.yaml": CONFIG_YAML, "motd": HOSTILE},
        },
    )
    cluster.call(
        store.create,
        "deployments",
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "hostile", "namespace": NS, "annotations": {"note": HOSTILE}},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "hostile"}},
                "template": {
                    "metadata": {"labels": {"app": "hostile"}, "annotations": {"note": HOSTILE}},
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "image": "example/hostile:1",
                                "args": [
                                    f"--title={MARKUP}",
                                    f"--click={CLICK}",
                                    f"--esc={ESCAPES}",
                                    "--config=/etc/hostile/config.yaml",
                                ],
                                "env": [
                                    {"name": "BANNER", "value": HOSTILE},
                                    {
                                        "name": "MOTD",
                                        "valueFrom": {
                                            "configMapKeyRef": {"name": "hostile-config", "key": "motd"}
                                        },
                                    },
                                ],
                                "volumeMounts": [{"name": "config", "mountPath": "/etc/hostile"}],
                            }
                        ],
                        "volumes": [{"name": "config", "configMap": {"name": "hostile-config"}}],
                    },
                },
            },
        },
    )
    cluster.call(
        store.create,
        "events",
        {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": "hostile.1", "namespace": NS},
            "involvedObject": {"kind": "Deployment", "namespace": NS, "name": "hostile"},
            "reason": "[b]Odd[/b]",
            "message": HOSTILE,
            "type": "Warning",
            "count": 1,
        },
    )


def screen_text(app) -> str:
    """The text of the current screen as drawn (from its SVG screenshot), after checking no control survived."""
    svg = app.export_screenshot()
    for bad in BAD_CHARS:
        assert bad not in svg, f"{bad!r} reached the screenshot"
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(texts)).replace("\xa0", " ")


def assert_literal(text: str, *pieces: str) -> None:
    """Each piece appears as typed: its brackets were drawn, not taken as markup."""
    for piece in pieces:
        assert piece in text, f"{piece!r} not shown literally"
    for bad in BAD_CHARS:
        assert bad not in text
