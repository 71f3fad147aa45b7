"""Find the cluster to talk to: kubeconfig files (merged as kubectl does), contexts, in-cluster config.

`load_connection` only reads files; `probe` and `open_api` are the first network
calls and the first import of `kubernetes`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from tui.cluster.credentials import PlainCredentials, exec_credentials, plain_credentials
from tui.cluster.errors import ApiError, ConnectError, TransportError, connect_error_for
from tui.cluster.kubeconfig import existing, kubeconfig_paths, merge_kubeconfigs

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
    # the ExecCredential of the plugin's last run: the probe and the session of one connect share it
    exec_credential: dict | None = field(default=None, repr=False, compare=False)

    def with_context(self, context: str) -> Connection:
        """The same kubeconfig, another context (raises ConnectError for an unknown one)."""
        return load_connection(self.kubeconfig, context)


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
    found = existing(paths)
    if not found:
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
    merged, current = merge_kubeconfigs(found)
    contexts = sorted(merged["contexts"])
    joined = os.pathsep.join(found)
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
    ctx = merged["contexts"][name].body
    cluster_name = str(ctx.get("cluster") or "")
    cluster = merged["clusters"][cluster_name].body if cluster_name in merged["clusters"] else None
    if not cluster or not cluster.get("server"):
        raise ConnectError(
            "bad-kubeconfig",
            f"Context {name} names cluster {cluster_name or '(none)'}, which has no server address",
            f"files: {joined}",
            "Add the cluster with `kubectl config set-cluster`.",
        )
    user_name = str(ctx.get("user") or "")
    user = merged["users"][user_name].body if user_name in merged["users"] else {}
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
    plain = plain_credentials(connection)
    if plain is not None:
        return plain
    if connection.exec_plugin is not None and not connection.in_cluster:
        from_plugin = _exec_configuration(connection)
        if from_plugin is not None:
            return from_plugin
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    cfg = client.Configuration()
    try:
        if connection.in_cluster:
            config.load_incluster_config(client_configuration=cfg)
            return cfg
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


def _exec_configuration(connection: Connection) -> PlainCredentials | None:
    """The plugin runs once per connect, bounded; its ExecCredential serves every client of the connection.

    None when the cluster entry needs the kubernetes client, which then runs the plugin itself.
    """

    def renew() -> PlainCredentials:
        connection.exec_credential = _run_exec_plugin(connection)
        fresh = exec_credentials(connection, connection.exec_credential)
        if fresh is None:
            raise ConnectError("exec-plugin", "The kubeconfig changed", "", "Reconnect.")
        return fresh

    if connection.exec_credential is None:
        connection.exec_credential = _run_exec_plugin(connection)
    plain = exec_credentials(connection, connection.exec_credential, renew)
    if plain is not None and plain.expires is not None:
        plain.get_api_key_with_prefix("BearerToken")  # a stored credential that expired since is renewed now
    return plain


def _run_exec_plugin(connection: Connection, timeout: float | None = None) -> dict:
    """The ExecCredential's status. The client only logs a failing plugin and waits forever for a hung one."""
    import json
    import signal
    import subprocess

    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.exec_provider import ExecProvider
    from kubernetes.config.kube_config import ConfigNode

    timeout = EXEC_PLUGIN_TIMEOUT if timeout is None else timeout
    cwd = _user_file_dir(connection)
    plugin = connection.exec_plugin or {}  # only called for a user with a plugin
    command = plugin.get("command", "?")
    title = f"The credential plugin `{command}` of user {connection.user} failed"
    hint = "Run the plugin by hand to see why (login expired? not installed?)."
    try:
        provider = ExecProvider(ConfigNode("exec", plugin), cwd)
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
    return answer["status"]


def _user_file_dir(connection: Connection) -> str | None:
    """A plugin's relative command runs from the directory of the kubeconfig that defines the user."""
    if not connection.kubeconfig:
        return None
    merged, _current = merge_kubeconfigs(existing(kubeconfig_paths(connection.kubeconfig)))
    ctx = merged["contexts"].get(connection.context)
    user = merged["users"].get(str(ctx.body.get("user") or "")) if ctx else None
    return user.base if user else os.path.dirname(os.path.abspath(kubeconfig_paths(connection.kubeconfig)[0]))


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
