"""Profiles: built-ins, the user directory, clear errors for bad files, and reload log shapes."""

import json
import textwrap

import pytest

from tui.model.profiles import ProfileError, ProfileSet, load_profile_file
from tui.model.workload import Workload

from .builders import container, deployment

SERVICES = [
    "workflowexecution",
    "signalprocessing",
    "aianalysis",
    "remediationorchestrator",
    "notification",
    "gateway",
    "datastorage",
    "kubernaut-agent",
]


def profile_for(image, name="app", labels=None):
    obj = deployment([container(name, image)])
    if labels:
        obj["spec"]["template"]["metadata"]["labels"].update(labels)
    workload = Workload.from_api(obj)
    found = ProfileSet.builtin().for_container(workload, workload.containers[0])
    return found.name if found else None


@pytest.mark.parametrize("service", SERVICES)
def test_every_kubernaut_service_has_a_profile_in_both_registry_layouts(service):
    expected = f"kubernaut-{service}" if service != "kubernaut-agent" else "kubernaut-agent"
    assert profile_for(f"quay.io/kubernaut-ai/{service}:v1.2.0") == expected
    assert profile_for(f"registry.example.com/mirror/kubernaut-ai-{service}:v1.2.0") == expected


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("quay.io/kubernaut-ai/workflowexecution:legacy", "kubernaut-workflowexecution-legacy"),
        ("quay.io/kubernaut-ai/workflowexecution:legacy-0.9", "kubernaut-workflowexecution-legacy"),
        ("quay.io/kubernaut-ai/workflowexecution:v1.2.0", "kubernaut-workflowexecution"),
        ("registry.k8s.io/coredns/coredns:v1.11.1", "coredns"),
        ("coredns/coredns:1.11.1", "coredns"),
        ("nginx:1.27", "nginx"),
        ("registry.k8s.io/ingress-nginx/controller:v1.12.0", "ingress-nginx"),
        ("quay.io/prometheus/prometheus:v2.53.0", "prometheus"),
        ("example.com/shop/web:1.27", None),
        ("quay.io/kubernaut-ai/unknown:v1", None),
    ],
)
def test_profile_matching_by_image_and_tag(image, expected):
    assert profile_for(image) == expected


def test_workflowexecution_profiles_declare_the_real_keys_and_flags():
    profiles = ProfileSet.builtin()
    current = profiles.get("kubernaut-workflowexecution")
    (config_file,) = current.files
    assert config_file.key_rule("logging.level") == ("live", "logging.level")
    assert config_file.key_rule("execution.cooldownPeriod") == ("restart", "execution.*")
    assert config_file.key_rule("controller.metricsAddr") == ("restart", "controller.*")
    assert config_file.key_rule("something.new") == ("restart", None)
    legacy = profiles.get("kubernaut-workflowexecution-legacy")
    assert legacy.flags["cooldown-period"].type == "duration"
    assert legacy.flags["cooldown-period"].positive
    assert legacy.flags["execution-namespace"].type == "string"


LOG_LINES = [
    (
        "kubernaut-workflowexecution",
        json.dumps(
            {
                "level": "info",
                "logger": "file-watcher",
                "msg": "Configuration reloaded successfully",
                "path": "/etc/config/workflowexecution.yaml",
                "hash": "ab" * 32,
                "size": 120,
                "totalReloads": 2,
            }
        ),
        ("applied", "ab" * 32, "/etc/config/workflowexecution.yaml"),
    ),
    (
        "kubernaut-workflowexecution",
        json.dumps(
            {
                "level": "error",
                "msg": "Callback rejected new content, keeping previous",
                "path": "/etc/config/workflowexecution.yaml",
                "newHash": "cd" * 32,
                "error": "bad level",
            }
        ),
        ("rejected", "cd" * 32, "/etc/config/workflowexecution.yaml"),
    ),
    (
        "kubernaut-workflowexecution",
        '2026-01-01T00:00:00Z\tINFO\tfile-watcher\tConfiguration reloaded successfully\t{"hash": "ef", "path": "/p"}',
        ("applied", "ef", "/p"),
    ),
    (
        "kubernaut-signalprocessing",
        json.dumps({"msg": "Policy hot-reloaded", "hash": "12"}),
        ("applied", "12", None),
    ),
    (
        "kubernaut-remediationorchestrator",
        json.dumps(
            {
                "msg": "Configuration hot-reloaded successfully",
                "old": {"dryRun": False},
                "new": {"dryRun": True},
            }
        ),
        ("applied", None, None),
    ),
    ("kubernaut-agent", "ts=1 event=llm_runtime_reload status=success hash=99", ("applied", "99", None)),
    (
        "kubernaut-agent",
        'event=llm_runtime_reload status=rejected reason="temperature out of range"',
        ("rejected", None, None),
    ),
    (
        "kubernaut-agent",
        'event=llm_runtime_reload status=rejected reason="model change requires a process restart"',
        ("needs-restart", None, None),
    ),
    (
        "kubernaut-agent",
        "2026-01-01T00:00:00.000Z WARNING event=llm_runtime_reload status=rejected "
        'reason="provider change requires a process restart" hash=abc123',
        ("needs-restart", "abc123", None),
    ),
    (
        "kubernaut-aianalysis",
        json.dumps(
            {
                "logger": "policy",
                "msg": "Approval policy hot-reloaded",
                "path": "/etc/aianalysis/policies/approval.rego",
                "hash": "77",
            }
        ),
        ("applied", "77", "/etc/aianalysis/policies/approval.rego"),
    ),
    (
        "kubernaut-notification",
        json.dumps(
            {
                "msg": "Routing configuration applied",
                "hash": "88",
                "path": "/etc/notification-routing/routing.yaml",
            }
        ),
        ("applied", "88", "/etc/notification-routing/routing.yaml"),
    ),
    (
        "kubernaut-agent",
        "INFO Config reloaded - hash=0123456789abcdef..., reloads=3",
        ("applied", "0123456789abcdef", None),
    ),
    ("kubernaut-agent", "WARNING Invalid YAML, keeping previous config", ("rejected", None, None)),
    ("coredns", "[INFO] plugin/reload: Running configuration SHA512 = 5f3a", ("applied", "5f3a", None)),
    ("coredns", "[INFO] Reloading complete", ("applied", None, None)),
    ("coredns", "[ERROR] Restart failed: plugin/forward: not an IP address", ("rejected", None, None)),
]


@pytest.mark.parametrize(("profile", "line", "expected"), LOG_LINES)
def test_reload_log_shapes(profile, line, expected):
    found = ProfileSet.builtin().get(profile).match_reload(line)
    assert found is not None
    assert (found.outcome, found.hash, found.file) == expected
    assert found.message


def test_rejection_carries_the_apps_reason():
    line = json.dumps(
        {"msg": "Callback rejected new content, keeping previous", "error": "invalid level TRACE"}
    )
    assert ProfileSet.builtin().get("kubernaut-gateway").match_reload(line).message == "invalid level TRACE"


@pytest.mark.parametrize(
    "line", ["", "{", "{}", "hello", '{"msg": 3}', "\x1b[31m[bold]x", "event=", "=" * 50]
)
def test_unrelated_lines_match_nothing(line):
    for profile in ProfileSet.builtin().profiles:
        assert profile.match_reload(line) is None


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "name: x\nmatch: {images: [a]}\nfiles: [{flag: config, watched: maybe}]\n",
            "watched must be true or false",
        ),
        ("name: x\nmatch: {}\n", "match needs images, container_names or labels"),
        ("match: {images: [a]}\n", "name is missing"),
        ("name: x\nmatch: {images: [a]}\ncolour: red\n", "unknown field(s): colour"),
        ("name: x\nmatch: {images: [a]}\nflags: {d: {type: seconds}}\n", "flags.d.type must be one of"),
        ("name: x\nmatch: {images: [a]}\nfiles: [{watched: true}]\n", "needs flag, env, path or key"),
        (
            "name: x\nmatch: {images: [a]}\nreload_logs: [{outcome: fine, regex: x}]\n",
            "outcome must be one of",
        ),
        (
            "name: x\nmatch: {images: [a]}\nreload_logs: [{outcome: applied, regex: '(' }]\n",
            "not a valid regular",
        ),
        (
            "name: x\nmatch: {images: [a]}\nreload_logs: [{outcome: applied}]\n",
            "exactly one of json, logfmt or regex",
        ),
        (
            "name: x\nmatch: {images: [a]}\nfiles: [{key: c.yaml, values: [level]}]\n",
            "values must be a mapping",
        ),
        (
            "name: x\nmatch: {images: [a]}\nfiles: [{key: c.yaml, values: {level: {oneof: [A]}}}]\n",
            "values.level must be a mapping of any_case, choices, positive, type",
        ),
        (
            "name: x\nmatch: {images: [a]}\nfiles: [{key: c.yaml, values: {level: {choices: {A: 1}}}}]\n",
            "values.level.choices must be a list of strings",
        ),
        (
            "name: x\nmatch: {images: [a]}\nfiles: [{key: c.yaml, values: {t: {type: seconds}}}]\n",
            "values.t.type must be one of",
        ),
        ("name: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "a profile must be a mapping"),
        ("", "no profile in the file"),
    ],
)
def test_bad_profile_files_name_the_file_and_the_problem(tmp_path, text, problem):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ProfileError) as error:
        load_profile_file(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_user_profiles_come_from_the_xdg_config_dir_and_override_builtins(tmp_path, monkeypatch):
    user_dir = tmp_path / "kubeknobs" / "profiles"
    user_dir.mkdir(parents=True)
    write(
        user_dir,
        "coredns.yaml",
        """\
        name: coredns
        match: {images: ["*coredns"]}
        files: [{key: Corefile, watched: false}]
    """,
    )
    write(user_dir, "broken.yml", "name: [")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    profiles, errors = ProfileSet.load()
    assert profiles.get("coredns").origin == str(user_dir / "coredns.yaml")
    assert profiles.get("kubernaut-gateway") is not None
    assert len(errors) == 1 and "broken.yml" in str(errors[0])


def test_extra_directory_that_does_not_exist_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    _, errors = ProfileSet.load([tmp_path / "nope"])
    assert [str(e) for e in errors] == [f"{tmp_path / 'nope'}: not a directory"]


def test_more_specific_profile_wins(tmp_path):
    text = """\
        name: generic
        match: {images: ["example.com/app"]}
        ---
        name: tagged
        match: {images: ["example.com/app"], tags: ["2.*"]}
    """
    profiles = ProfileSet(load_profile_file(write(tmp_path, "p.yaml", text)))
    for tag, expected in (("2.1", "tagged"), ("1.0", "generic")):
        workload = Workload.from_api(deployment([container(image=f"example.com/app:{tag}")]))
        assert profiles.for_container(workload, workload.containers[0]).name == expected
