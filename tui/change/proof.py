"""After a restart or a flag change, each new pod's proof that it started with the new value.

A value on the command line or in the env is read from the pod's own spec; a file from the app's log
line of its first load (`Initial content loaded … hash=…`), whose hash must be the new content's, or,
when the app logs no such line, from the pod having been created after the change.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from tui.model.flags import parse_command_line
from tui.model.layers import Setting, Source

INITIAL_LOAD = "Initial content loaded"
START_LINES = 1000  # the tail of a new pod's log read for its initial load
_HASH = re.compile(r"hash=([0-9a-fA-F]{6,64})")
_PATH = re.compile(r"path=(\S+)")


@dataclass(frozen=True)
class StartProof:
    pod: str
    proven: bool | None  # True: started with the new value; False: with another one; None: cannot tell
    detail: str


def _container(pod: dict, name: str) -> dict | None:
    containers = (pod.get("spec") or {}).get("containers") or []
    return next((c for c in containers if c.get("name") == name), None)


def spec_proof(pod: dict, setting: Setting, value: str) -> StartProof:
    """The flag or env value the pod was created with."""
    name = pod["metadata"]["name"]
    container = _container(pod, setting.container)
    if container is None:
        return StartProof(name, None, f"has no container {setting.container}")
    if setting.source == Source.FLAG:
        env = {e["name"]: e.get("value", "") for e in container.get("env") or [] if "value" in e}
        line = parse_command_line(container.get("command") or [], container.get("args") or [], env)
        bare = setting.name.lstrip("-")
        found = [f for f in line.flags if f.bare_name == bare]
        seen = found[-1].value if found else None
        where = "on its command line"
    else:
        entry = next((e for e in container.get("env") or [] if e.get("name") == setting.name), None)
        seen = entry.get("value") if entry is not None else None
        where = "in its env"
    if seen == value:
        return StartProof(name, True, f"started with {setting.name}={value} {where}")
    shown = "nothing" if seen is None else repr(seen)
    return StartProof(name, False, f"started with {shown} for {setting.name} {where}")


def _initial_load(line: str) -> tuple[str | None, str | None] | None:
    """(path, hash) of an initial-load line, JSON or key=value; None for any other line."""
    if INITIAL_LOAD not in line:
        return None
    start = line.find("{")
    if start != -1:
        try:
            record = json.loads(line[start:])
        except ValueError:
            record = None
        if isinstance(record, dict):
            return record.get("path"), record.get("hash")
    path, digest = _PATH.search(line), _HASH.search(line)
    return (path.group(1) if path else None, digest.group(1) if digest else None)


def load_proof(pod: str, lines: list[str], path: str, digest: str, *, new_pod: bool = False) -> StartProof:
    """The hash the pod logged when it first loaded `path`, against the new content's SHA-256;
    without that line, a pod created after the change still mounted the new content (`new_pod`)."""
    loads = [found for found in map(_initial_load, lines) if found is not None]
    mine = [h for p, h in loads if h and (p is None or p == path)]
    if not mine and new_pod:
        return StartProof(
            pod, True, "created after the change, so it mounted the new content (its log names no load)"
        )
    if not mine:
        return StartProof(pod, None, f"logged no {INITIAL_LOAD!r} line for {path}: its start cannot be read")
    logged = mine[-1].lower()
    if len(logged) >= 6 and digest.startswith(logged):
        return StartProof(pod, True, f"started with the new content (hash {logged[:12]})")
    return StartProof(
        pod, False, f"started with other content (hash {logged[:12]}, the new one is {digest[:12]})"
    )


def _file_path(setting: Setting) -> str:
    """Where the pod reads the file: a Setting's mount path is already the file's own path."""
    return setting.mount_path or setting.key or ""


def file_hash_check(setting: Setting, new_text: str) -> str:
    """What proves a file's content in a pod when its logs cannot: its hash through pods/exec."""
    digest = hashlib.sha256(new_text.encode()).hexdigest()
    return (
        f"the file's hash in each pod (pods/exec): kubectl exec -n {setting.namespace} POD -c "
        f"{setting.container} -- sha256sum {_file_path(setting)} prints {digest[:12]}…"
    )


def file_proofs(session, key, setting: Setting, new_text: str, pods: list[str]) -> list[StartProof]:
    """Blocking: the hash of the file in each pod (`sha256sum` through pods/exec), against the new content.

    It shows the file reached the pod; that the app applied it, only the app can tell."""
    digest = hashlib.sha256(new_text.encode()).hexdigest()
    path = _file_path(setting)
    proofs = []
    for pod in pods:
        result = session.actions.run_in_pod(key[1], pod, setting.container, ["sha256sum", path])
        words = result.stdout.split()
        if result.exit_code == 0 and words:
            seen = words[0].lower()
            if seen == digest:
                proofs.append(
                    StartProof(pod, True, f"has the new file (sha256 {digest[:12]}, read through pods/exec)")
                )
            else:
                detail = f"has other content in {path} (sha256 {seen[:12]}, the new one is {digest[:12]})"
                proofs.append(StartProof(pod, False, detail))
        elif result.exit_code is not None:
            why = (result.stderr.strip().splitlines() or [""])[0]
            proofs.append(
                StartProof(pod, None, f"sha256sum {path} failed in the pod (exit {result.exit_code}) {why}")
            )
        else:
            proofs.append(StartProof(pod, None, f"its file could not be read: {result.problem}"))
    return proofs


def start_proofs(
    session, key, setting: Setting, draft, *, template: bool, existing: frozenset[str] = frozenset()
) -> list[StartProof]:
    """Blocking: what each live pod of `key` started with, from its spec or its log.

    `existing` are the UIDs of the pods that ran before the change: any other pod was created after it
    (a StatefulSet's pod comes back under its old name, often within the same second, so neither the
    name nor the creation time tells)."""
    value, new_text = (draft.value, draft.new_text) if draft is not None else ("", "")
    pods = [p for p in session.pods_of(key) if not (p.get("metadata") or {}).get("deletionTimestamp")]
    if template:  # the cache keeps no container args: read each pod whole
        proofs = []
        for pod in pods:
            name = pod["metadata"]["name"]
            try:
                whole = session.actions.read_object("Pod", key[1], name)
            except Exception as exc:  # noqa: BLE001 - an unread pod proves nothing either way
                proofs.append(StartProof(name, None, f"its spec could not be read: {exc}"))
                continue
            proofs.append(spec_proof(whole, setting, value))
        return proofs
    digest = hashlib.sha256(new_text.encode()).hexdigest()
    proofs = []
    for pod in pods:
        name = pod["metadata"]["name"]
        try:
            lines = session.actions.last_log_lines(key[1], name, setting.container, START_LINES)
        except Exception as exc:  # noqa: BLE001 - an unread log proves nothing either way
            proofs.append(StartProof(name, None, f"its log could not be read: {exc}"))
            continue
        uid = (pod.get("metadata") or {}).get("uid")
        new_pod = uid is not None and uid not in existing
        proofs.append(load_proof(name, lines, _file_path(setting), digest, new_pod=new_pod))
    return proofs
