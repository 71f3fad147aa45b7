"""Find the cluster to talk to: kubeconfig files (merged as kubectl does), contexts, in-cluster config.

`load_connection` only reads files; `probe` and `open_api` are the first network
calls and the first import of `kubernetes`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tui.cluster.errors import ApiError, ConnectError, TransportError, connect_error_for

__all__ = ["ConnectError", "Connection", "load_connection", "probe", "open_api", "kubeconfig_paths"]

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
EXEC_PLUGIN_TIMEOUT = 30.0  # seconds a credential plugin may take before the connection is given up
IN_CLUSTER = "(in-cluster)"


@dataclass
class Connection:
    context: str
    contexts: list[str]
    server: str
    user: str
    namespace: str | None
    kubeconfig: str | None  # os.pathsep-joined files, None for in-cluster
    cluster: str = ""
    in_cluster: bool = False
    exec_plugin: dict | None = field(default=None, repr=False)

    def with_context(self, context: str) -> Connection:
        """The same kubeconfig, another context (raises ConnectError for an unknown one)."""
        return load_connection(self.kubeconfig, context)


def kubeconfig_paths(kubeconfig: str | None = None) -> list[str]:
    """The files kubectl would read, in merge order."""
    if kubeconfig:
        return [os.path.expanduser(p) for p in kubeconfig.split(os.pathsep) if p.strip()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [os.path.expanduser(p) for p in env.split(os.pathsep) if p.strip()]
    return [os.path.expanduser("~/.kube/config")]


def _read(path: str) -> dict:
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Cannot read kubeconfig {path}",
            exc.strerror or str(exc),
            "Check the file's permissions.",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path} is not text",
            str(exc),
            "Point --kubeconfig at a kubeconfig YAML file.",
        ) from exc
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path} is not valid YAML{where}",
            str(problem),
            "Fix the file, or point --kubeconfig at another one.",
        ) from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path} is not a kubeconfig",
            f"expected a mapping with clusters, contexts and users, found {type(doc).__name__}",
            "Point --kubeconfig at a kubeconfig YAML file.",
        )
    return doc


def _named(doc: dict, section: str, path: str) -> list[tuple[str, dict]]:
    items = doc.get(section) or []
    if not isinstance(items, list):
        raise ConnectError(
            "bad-kubeconfig",
            f"Kubeconfig {path}: `{section}` must be a list",
            "",
            "Fix the file, or point --kubeconfig at another one.",
        )
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ConnectError(
                "bad-kubeconfig",
                f"Kubeconfig {path}: an entry of `{section}` has no name",
                "",
                "Each entry needs `name:` and a nested mapping.",
            )
        body = item.get(section[:-1])
        out.append((item["name"], body if isinstance(body, dict) else {}))
    return out


def merge_kubeconfigs(paths: list[str]) -> tuple[dict, str | None]:
    """kubectl's merge: the first file to define a name wins, the first current-context wins."""
    merged: dict[str, dict[str, dict]] = {"clusters": {}, "contexts": {}, "users": {}}
    current = None
    for path in paths:
        doc = _read(path)
        for section in merged:
            for name, body in _named(doc, section, path):
                merged[section].setdefault(name, body)
        if current is None and doc.get("current-context"):
            current = str(doc["current-context"])
    return merged, current


def _in_cluster_available() -> bool:
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST")) and (SA_DIR / "token").exists()


def load_connection(kubeconfig: str | None = None, context: str | None = None) -> Connection:
    """Parse the kubeconfig(s) and pick a context. No network, no `kubernetes` import."""
    paths = kubeconfig_paths(kubeconfig)
    missing = [p for p in paths if not Path(p).exists()]
    if kubeconfig and missing:
        raise ConnectError(
            "no-kubeconfig",
            f"Kubeconfig {missing[0]} does not exist",
            "",
            "Check the path given to --kubeconfig.",
        )
    existing = [p for p in paths if Path(p).exists()]
    if not existing:
        if _in_cluster_available() and not kubeconfig:
            host = os.environ["KUBERNETES_SERVICE_HOST"]
            port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
            ns_file = SA_DIR / "namespace"
            ns = ns_file.read_text().strip() if ns_file.exists() else None
            return Connection(
                IN_CLUSTER,
                [IN_CLUSTER],
                f"https://{host}:{port}",
                "serviceaccount",
                ns,
                None,
                cluster=IN_CLUSTER,
                in_cluster=True,
            )
        where = "$KUBECONFIG (" + os.environ["KUBECONFIG"] + ")" if os.environ.get("KUBECONFIG") else paths[0]
        raise ConnectError(
            "no-kubeconfig",
            "No kubeconfig found",
            f"looked in {where}",
            "Pass --kubeconfig PATH, set KUBECONFIG, or try `kubeknobs --demo`.",
        )
    merged, current = merge_kubeconfigs(existing)
    contexts = sorted(merged["contexts"])
    joined = os.pathsep.join(existing)
    name = context or current
    if not name:
        raise ConnectError(
            "unknown-context",
            "The kubeconfig has no current context",
            f"contexts: {', '.join(contexts) or 'none'}",
            "Pass --context NAME.",
        )
    if name not in merged["contexts"]:
        raise ConnectError(
            "unknown-context",
            f"Context {name} is not in the kubeconfig",
            f"contexts: {', '.join(contexts) or 'none'}",
            "Pass --context with one of these, or `kubectl config get-contexts` to list them.",
        )
    ctx = merged["contexts"][name]
    cluster_name = str(ctx.get("cluster") or "")
    cluster = merged["clusters"].get(cluster_name)
    if not cluster or not cluster.get("server"):
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {name} names cluster {cluster_name or '(none)'}, which has no server address",
            f"files: {joined}",
            "Add the cluster with `kubectl config set-cluster`.",
        )
    user_name = str(ctx.get("user") or "")
    user = merged["users"].get(user_name) or {}
    return Connection(
        name,
        contexts,
        str(cluster["server"]),
        user_name or "(anonymous)",
        ctx.get("namespace") or None,
        joined,
        cluster=cluster_name,
        exec_plugin=user.get("exec") if isinstance(user.get("exec"), dict) else None,
    )


def _configuration(connection: Connection):
    from tui.cluster.credentials import plain_credentials

    plain = plain_credentials(connection)
    if plain is not None:
        return plain
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    cfg = client.Configuration()
    try:
        if connection.in_cluster:
            config.load_incluster_config(client_configuration=cfg)
            return cfg
        if connection.exec_plugin is not None:
            _run_exec_plugin(connection)
        config.load_kube_config(
            config_file=connection.kubeconfig,
            context=connection.context,
            client_configuration=cfg,
            persist_config=False,
        )
    except ConfigException as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {connection.context} cannot be used",
            str(exc),
            "Check the cluster and user entries (certificate paths, tokens).",
        ) from exc
    except OSError as exc:
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {connection.context} refers to a file that cannot be read",
            str(exc),
            "Check certificate and key paths in the kubeconfig.",
        ) from exc
    return cfg


def _run_exec_plugin(connection: Connection, timeout: float | None = None) -> None:
    """The client only logs a failing exec plugin and waits forever for a hung one: run it once here, bounded."""
    import json
    import signal
    import subprocess

    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.exec_provider import ExecProvider
    from kubernetes.config.kube_config import ConfigNode

    timeout = EXEC_PLUGIN_TIMEOUT if timeout is None else timeout
    cwd = os.path.dirname(connection.kubeconfig.split(os.pathsep)[0]) if connection.kubeconfig else None
    command = connection.exec_plugin.get("command", "?")
    title = f"The credential plugin `{command}` of user {connection.user} failed"
    hint = "Run the plugin by hand to see why (login expired? not installed?)."
    try:
        provider = ExecProvider(ConfigNode("exec", connection.exec_plugin), cwd)
        env = {
            **provider.env,
            "KUBERNETES_EXEC_INFO": json.dumps(
                {"apiVersion": provider.api_version, "kind": "ExecCredential", "spec": {"interactive": False}}
            ),
        }
        # its own session: a hung plugin is killed with every process it started, and never reads the TUI's keys
        child = subprocess.Popen(
            provider.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=provider.cwd,
            env=env,
            text=True,
            start_new_session=True,
        )
    except (ConfigException, OSError) as exc:
        raise ConnectError("exec-plugin", title, str(exc).strip(), hint) from exc
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise ConnectError(
            "exec-plugin",
            f"The credential plugin `{command}` of user {connection.user} did not answer within {timeout:g}s",
            "it was stopped",
            "Run it by hand: it may wait for a login in a browser or for input.",
        ) from None
    if child.returncode != 0:
        raise ConnectError(
            "exec-plugin", title, f"exit code {child.returncode}: {err.strip()[-500:]}".strip(": "), hint
        )
    try:
        answer = json.loads(out)
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), dict):
            raise ValueError("no status in its answer")
    except ValueError as exc:
        raise ConnectError(
            "exec-plugin", title, f"its output is not an ExecCredential: {exc}", hint
        ) from None


def open_api(connection: Connection, *, timeout: float = 30.0):
    """A KubeApi for this connection (imports `kubernetes`; may run an exec credential plugin)."""
    from tui.cluster.api import KubeApi

    return KubeApi(_configuration(connection), timeout=timeout)


_CONTEXT_NAMESPACE: list[str] = []


def probe(
    connection: Connection,
    timeout: float = 5.0,
    *,
    namespaces: list[str] | None = _CONTEXT_NAMESPACE,
    resources: tuple[str, ...] = ("deployments",),
) -> None:
    """GET /version and the lists the dashboard needs; raises ConnectError saying what failed.

    `namespaces`: omitted → the context's namespace; None → all namespaces (as the session watches them).
    """
    from tui.cluster.resources import resource

    api = open_api(connection, timeout=timeout)
    if namespaces is _CONTEXT_NAMESPACE:
        namespace = connection.namespace
    else:
        namespace = namespaces[0] if namespaces else None
    try:
        api.request("GET", "/version", timeout=timeout, retries=0)
        for name in resources:
            res = resource(name)
            where = f"in namespace {namespace}" if namespace and res.namespaced else "in all namespaces"
            try:
                api.request("GET", res.collection(namespace), query={"limit": 1}, timeout=timeout, retries=0)
            except ApiError as exc:
                raise connect_error_for(
                    exc,
                    server=connection.server,
                    context=connection.context,
                    user=connection.user,
                    denied=f"list {res.plural} {where}",
                ) from exc
    except TransportError as exc:
        raise connect_error_for(
            exc, server=connection.server, context=connection.context, user=connection.user, timeout=timeout
        ) from exc
    finally:
        api.close()
