"""The Kubernaut services the demo imitates: their config keys, defaults, checks, and which apply live."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .startup import lookup, positive_duration

LOG_LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")


def check_level(value) -> str:
    text = str(value).upper()
    if text not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}, got {value}")
    return text


def check_duration(value) -> str:
    positive_duration(str(value))
    return str(value)


def check_string(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, got {value!r}")
    return value


def check_positive_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"must be an integer greater than 0, got {value!r}")
    return value


def check_port(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise ValueError(f"must be a port number (1-65535), got {value!r}")
    return value


def check_bool(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def check_ratio(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"must be a number between 0 and 1, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Key:
    path: str
    default: object
    check: Callable[[object], object]  # the value as the service uses it; ValueError when invalid
    live: bool = False


@dataclass(frozen=True)
class Service:
    name: str
    keys: tuple[Key, ...]
    config_flag: str | None = "config"  # None: the path comes from the CONFIG_PATH env
    default_config: str = ""
    # (config key holding the path, default path, message logged when applied)
    watched_files: tuple[tuple[str, str, str], ...] = ()
    reports_changes: bool = False  # logs old -> new for live keys, as remediationorchestrator does
    extra_flags: tuple[str, ...] = field(default=())

    def validate(self, data: dict) -> dict:
        """Effective settings (dotted key -> value) from a config mapping; ValueError naming the key."""
        effective = {}
        for key in self.keys:
            value = lookup(data, key.path, key.default)
            try:
                effective[key.path] = key.check(value)
            except ValueError as exc:
                raise ValueError(f"invalid configuration: {key.path} {exc}") from None
        return effective

    def live_keys(self) -> set[str]:
        return {key.path for key in self.keys if key.live}


LEVEL = Key("logging.level", "INFO", check_level, live=True)

SERVICES = {
    "workflowexecution": Service(
        "workflowexecution",
        (
            LEVEL,
            Key("execution.namespace", "kubernaut-workflows", check_string),
            Key("execution.cooldownPeriod", "5m", check_duration),
            Key("controller.metricsAddr", ":9090", check_string),
            Key("controller.healthProbeAddr", ":8081", check_string),
            Key("controller.leaderElection", True, check_bool),
        ),
        default_config="/etc/config/workflowexecution.yaml",
    ),
    "signalprocessing": Service(
        "signalprocessing",
        (
            LEVEL,
            Key("enrichment.timeout", "10s", check_duration),
            Key("classifier.environmentLabel", "environment", check_string),
            Key("policy.path", "/etc/signalprocessing/policies/policy.rego", check_string),
        ),
        default_config="/etc/signalprocessing/config.yaml",
        watched_files=(("policy.path", "/etc/signalprocessing/policies/policy.rego", "Policy hot-reloaded"),),
    ),
    "aianalysis": Service(
        "aianalysis",
        (
            LEVEL,
            Key("analysis.timeout", "2m", check_duration),
            Key("analysis.confidenceThreshold", 0.8, check_ratio),
            Key("rego.approvalPolicyPath", "/etc/aianalysis/policies/approval.rego", check_string),
        ),
        default_config="/etc/aianalysis/config.yaml",
        watched_files=(
            (
                "rego.approvalPolicyPath",
                "/etc/aianalysis/policies/approval.rego",
                "Approval policy hot-reloaded",
            ),
        ),
    ),
    "notification": Service(
        "notification",
        (
            LEVEL,
            Key("delivery.timeout", "30s", check_duration),
            Key("delivery.maxRetries", 3, check_positive_int),
        ),
        default_config="/etc/notification/config.yaml",
        watched_files=(
            (
                "env:ROUTING_CONFIG_PATH",
                "/etc/notification-routing/routing.yaml",
                "Routing configuration applied",
            ),
        ),
    ),
    "gateway": Service(
        "gateway",
        (
            LEVEL,
            Key("server.port", 8080, check_port),
            Key("deduplication.ttl", "5m", check_duration),
            Key("rateLimit.requestsPerMinute", 100, check_positive_int),
        ),
        default_config="/etc/gateway/config.yaml",
    ),
    "datastorage": Service(
        "datastorage",
        (
            LEVEL,
            Key("database.host", "postgresql.kubernaut-system.svc", check_string),
            Key("database.port", 5432, check_port),
            Key("database.maxConnections", 20, check_positive_int),
            Key("retention.period", "720h", check_duration),
        ),
        config_flag=None,
        default_config="/etc/datastorage/config.yaml",
    ),
    "remediationorchestrator": Service(
        "remediationorchestrator",
        (
            LEVEL,
            Key("dryRun", False, check_bool, live=True),
            Key("dryRunHoldPeriod", "10m", check_duration, live=True),
            Key("retention.period", "24h", check_duration, live=True),
            Key("asyncPropagation.enabled", True, check_bool, live=True),
            Key("asyncPropagation.interval", "30s", check_duration, live=True),
            Key("timeouts.global", "1h", check_duration),
        ),
        default_config="/etc/config/remediationorchestrator.yaml",
        reports_changes=True,
    ),
}
