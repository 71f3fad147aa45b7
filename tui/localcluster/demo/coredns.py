"""CoreDNS with the `reload` plugin: polls its Corefile and swaps in a new one that parses."""

from __future__ import annotations

import re

from tui.model.durations import parse_go_duration

from .startup import FlagSet, StartupError, pod_path, sha512_hex
from .zaplog import emit


def check_corefile(text: str) -> float | None:
    """The reload interval in seconds (None without the reload plugin); ValueError on a bad Corefile."""
    depth, interval = 0, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        depth += line.count("{") - line.count("}")
        if depth < 0:
            raise ValueError(
                f"Corefile:{number} - Error during parsing: Unexpected '}}' because no matching opening brace"
            )
        words = line.split()
        if words and words[0] == "reload":
            interval = 30.0
            if len(words) > 1:
                try:
                    interval = max(2.0, parse_go_duration(words[1]))
                except ValueError:
                    raise ValueError(
                        f"Corefile:{number} - Error during parsing: invalid duration for reload"
                    ) from None
    if depth:
        raise ValueError("Corefile:EOF - Error during parsing: Unexpected EOF")
    if not re.search(r"^\s*\S+\s*\{", text, re.MULTILINE):
        raise ValueError("Corefile:1 - Error during parsing: no server block")
    return interval


def _sha512(path: str) -> tuple[str, str]:
    with open(pod_path(path), "rb") as handle:
        raw = handle.read()
    return raw.decode("utf-8", errors="replace"), sha512_hex(raw)


def run_coredns(program, argv: list[str]) -> int:
    flags = FlagSet()
    flags.add("conf", "/etc/coredns/Corefile")
    try:
        path = flags.parse(argv)["conf"]
        text, digest = _sha512(path)
        interval = check_corefile(text)
    except (StartupError, OSError, ValueError) as exc:
        emit(f"[ERROR] {exc}")
        return 1
    emit(".:53")
    emit("CoreDNS-1.11.1")
    emit("linux/amd64, go1.21.1, ae2bbc2")
    if interval is not None:
        emit(f"[INFO] plugin/reload: Running configuration SHA512 = {digest}")

    def poll() -> None:
        nonlocal digest, interval
        try:
            new_text, new_digest = _sha512(path)
        except OSError as exc:
            emit(f"[ERROR] plugin/reload: {exc}")
            return
        if new_digest == digest:
            return
        emit("[INFO] Reloading")
        try:
            new_interval = check_corefile(new_text)
        except ValueError as exc:
            emit(f"[ERROR] Restart failed: {exc}")
            digest = new_digest
            return
        digest = new_digest
        emit(f"[INFO] plugin/reload: Running configuration SHA512 = {digest}")
        emit("[INFO] Reloading complete")
        if new_interval is not None:
            interval = new_interval

    if interval is None:
        return program.run_until_stopped(lambda: None, interval=3600.0)
    return program.run_until_stopped(poll, interval=interval)
