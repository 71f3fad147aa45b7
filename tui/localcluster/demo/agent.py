"""kubernaut-agent: an LLM runtime file whose keys mostly apply live; model and provider do not."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from .services import check_level, check_positive_int, check_string
from .startup import FlagSet, StartupError, load_yaml, positive_duration, sha256_hex
from .zaplog import emit

RESTART_ONLY = ("provider", "model")


def check_runtime(data: dict) -> dict:
    """Effective LLM runtime settings; ValueError naming the key at fault."""
    runtime = {
        "provider": data.get("provider", "openai"),
        "model": data.get("model", "gpt-4o"),
        "endpoint": data.get("endpoint", "https://api.openai.com/v1"),
        "temperature": data.get("temperature", 0.2),
        "maxRetries": data.get("maxRetries", 3),
        "timeout": data.get("timeout", "60s"),
        "headers": data.get("headers") or {},
    }
    for key in ("provider", "model", "endpoint"):
        try:
            check_string(runtime[key])
        except ValueError as exc:
            raise ValueError(f"{key} {exc}") from None
    temperature = runtime["temperature"]
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
        raise ValueError(f"temperature must be a number between 0 and 2, got {temperature!r}")
    if runtime["maxRetries"] != 0:
        check_positive_int(runtime["maxRetries"])
    positive_duration(str(runtime["timeout"]))
    if not isinstance(runtime["headers"], dict):
        raise ValueError("headers must be a mapping")
    return runtime


def event_line(status: str, **fields) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    level = "INFO" if status == "success" else "WARNING"
    parts = " ".join(f'{k}="{v}"' if " " in str(v) else f"{k}={v}" for k, v in fields.items())
    emit(f"{stamp} {level} event=llm_runtime_reload status={status} {parts}".rstrip())


def run_agent(program, argv: list[str]) -> int:
    flags = FlagSet()
    flags.add("config", "/etc/kubernaut-agent/config.yaml")
    flags.add("llm-runtime", "/etc/kubernaut-agent/llm/llm-runtime.yaml")
    try:
        values = flags.parse(argv)
    except StartupError as exc:
        return program.fail("setup", str(exc))
    settings: dict = {}

    def apply_config(text: str) -> None:
        data = load_yaml(text)
        level = check_level((data.get("logging") or {}).get("level", "INFO"))
        settings["logging.level"] = level
        program.log.set_level(level)

    def apply_runtime(text: str) -> None:
        new = check_runtime(load_yaml(text))
        new_hash = sha256_hex(text.encode())
        current = settings.get("llm")
        if current is None:
            settings["llm"] = new
            return
        for key in RESTART_ONLY:
            if new[key] != current[key]:
                reason = f"{key} change requires a process restart"
                event_line("rejected", reason=reason, hash=new_hash, path=values["llm-runtime"])
                raise ValueError(reason)
        changed = sorted(k for k in new if new[k] != current[k])
        settings["llm"] = new
        event_line("success", changed=",".join(changed) or "none", hash=new_hash, path=values["llm-runtime"])

    try:
        program.watch(values["config"], apply_config)
        program.watch(values["llm-runtime"], apply_runtime)
    except (OSError, ValueError) as exc:
        return program.fail("setup", "Failed to load configuration", error=str(exc))
    # The key comes from a Secret: say whether it is there, never what it is.
    api_key_state = "set" if os.environ.get("LLM_API_KEY") else "missing"

    def report() -> None:
        llm = settings["llm"]
        program.log.named("config").info(
            "Effective configuration",
            settings={
                "logging.level": settings["logging.level"],
                "apiKey": api_key_state,
                **{f"llm.{k}": v for k, v in llm.items() if k != "headers"},
                "llm.headers": sorted(llm["headers"]),
            },
        )

    report()
    program.log.named("setup").info("Serving", port=8080)
    return program.run_until_stopped(report)
