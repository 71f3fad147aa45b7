import hashlib
import json
import os
import signal
import subprocess
import sys

import pytest

from tests.waiting import eventually
from tui.localcluster.demo import LAUNCHER, command, program_for_image

from .conftest import msg, publish

WE_CONFIG = "logging:\n  level: INFO\nexecution:\n  namespace: kubernaut-workflows\n  cooldownPeriod: 5m\n"


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("image", "program"),
    [
        ("quay.io/kubernaut-ai/workflowexecution:v1.2.0", "workflowexecution"),
        ("quay.io/kubernaut-ai/workflowexecution:legacy", "workflowexecution-legacy"),
        ("registry.example.com/acme/kubernaut-ai-gateway:v1", "gateway"),
        ("quay.io/kubernaut-ai/kubernaut-agent@sha256:abc", "kubernaut-agent"),
        ("registry.k8s.io/coredns/coredns:v1.11.1", "coredns"),
        ("nginx:1.27", "placeholder"),
        ("quay.io/kubernaut-ai/unknown:v1", "placeholder"),
    ],
)
def test_images_map_to_demo_programs(image, program):
    assert program_for_image(image) == program


def test_hot_key_reloads_restart_only_key_reports_success_but_stays_and_bad_value_is_rejected(
    tmp_path, run_demo
):
    publish(tmp_path, "/etc/config", {"workflowexecution.yaml": WE_CONFIG})
    proc = run_demo("workflowexecution", "--config=/etc/config/workflowexecution.yaml")
    proc.wait_for(msg("File watcher started"))
    initial = next(r for r in proc.records() if r["msg"] == "Initial content loaded")
    assert initial["hash"] == sha(WE_CONFIG)
    assert initial["path"] == "/etc/config/workflowexecution.yaml"
    assert initial["logger"] == "file-watcher"

    debug = WE_CONFIG.replace("INFO", "DEBUG")
    publish(tmp_path, "/etc/config", {"workflowexecution.yaml": debug})
    line = proc.wait_for(lambda ln: sha(debug) in ln and "reloaded successfully" in ln)
    assert json.loads(line)["totalReloads"] == 1

    # The trap: a restart-only key changes, the watcher reports success, nothing is applied.
    slower = debug.replace("5m", "30m")
    publish(tmp_path, "/etc/config", {"workflowexecution.yaml": slower})
    proc.wait_for(lambda ln: sha(slower) in ln and "reloaded successfully" in ln)
    effective = [r for r in proc.records() if r["msg"] == "Effective configuration"][-1]["settings"]
    assert effective["logging.level"] == "DEBUG"
    assert effective["execution.cooldownPeriod"] == "5m"

    bad = slower.replace("DEBUG", "LOUD")
    publish(tmp_path, "/etc/config", {"workflowexecution.yaml": bad})
    line = proc.wait_for(msg("Callback rejected new content, keeping previous"))
    record = json.loads(line)
    assert record["newHash"] == sha(bad)
    assert "logging.level" in record["error"]
    proc.stop()
    stopped = next(r for r in proc.records() if r["msg"] == "File watcher stopped")
    assert stopped["totalReloads"] == 2 and stopped["totalErrors"] == 1


def test_invalid_startup_flag_is_one_clear_line_and_exit_1(tmp_path):
    out = subprocess.run(
        command("workflowexecution-legacy", ["--cooldown-period=-1"]),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 1
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["level"] == "error"
    assert "--cooldown-period" in record["msg"] and "greater than 0" in record["error"]


def test_invalid_config_at_start_exits_1(tmp_path):
    bad = WE_CONFIG.replace("5m", "0s")
    publish(tmp_path, "/etc/config", {"workflowexecution.yaml": bad})
    out = subprocess.run(
        command("workflowexecution", ["--config=/etc/config/workflowexecution.yaml"]),
        capture_output=True,
        text=True,
        timeout=30,
        env={"KUBEKNOBS_POD_ROOT": str(tmp_path)},
    )
    assert out.returncode == 1
    assert "execution.cooldownPeriod must be greater than 0" in out.stdout


def test_policy_file_hot_reloads_and_bad_policy_is_rejected(tmp_path, run_demo):
    publish(tmp_path, "/etc/signalprocessing", {"config.yaml": "logging:\n  level: INFO\n"})
    publish(tmp_path, "/etc/signalprocessing/policies", {"policy.rego": "package signal\nallow { true }\n"})
    proc = run_demo("signalprocessing", "--config=/etc/signalprocessing/config.yaml")
    proc.wait_for(lambda ln: "File watcher started" in ln and "policy.rego" in ln)
    new = "package signal\nallow { input.x }\n"
    publish(tmp_path, "/etc/signalprocessing/policies", {"policy.rego": new})
    line = proc.wait_for(msg("Policy hot-reloaded"))
    assert json.loads(line)["hash"] == sha(new)
    publish(tmp_path, "/etc/signalprocessing/policies", {"policy.rego": "package signal\nallow { \n"})
    line = proc.wait_for(msg("Callback rejected new content, keeping previous"))
    assert "rego_parse_error" in json.loads(line)["error"]


def test_agent_applies_temperature_live_and_rejects_model_change(tmp_path, run_demo):
    runtime = "provider: openai\nmodel: gpt-4o\ntemperature: 0.2\n"
    publish(tmp_path, "/etc/kubernaut-agent", {"config.yaml": "logging:\n  level: INFO\n"})
    publish(tmp_path, "/etc/kubernaut-agent/llm", {"llm-runtime.yaml": runtime})
    proc = run_demo(
        "kubernaut-agent",
        "-config",
        "/etc/kubernaut-agent/config.yaml",
        "-llm-runtime",
        "/etc/kubernaut-agent/llm/llm-runtime.yaml",
        env={"LLM_API_KEY": "s3cret"},
    )
    proc.wait_for(lambda ln: "File watcher started" in ln and "llm-runtime" in ln)
    warmer = runtime.replace("0.2", "0.7")
    publish(tmp_path, "/etc/kubernaut-agent/llm", {"llm-runtime.yaml": warmer})
    proc.wait_for(lambda ln: "event=llm_runtime_reload status=success" in ln and sha(warmer) in ln)
    publish(tmp_path, "/etc/kubernaut-agent/llm", {"llm-runtime.yaml": warmer.replace("gpt-4o", "gpt-5")})
    line = proc.wait_for(lambda ln: "status=rejected" in ln)
    assert "requires a process restart" in line
    assert not any("s3cret" in ln for ln in proc.lines)


def test_coredns_reload_plugin_logs_new_sha512(tmp_path, run_demo):
    corefile = ".:53 {\n    errors\n    reload 2s\n    forward . /etc/resolv.conf\n}\n"
    publish(tmp_path, "/etc/coredns", {"Corefile": corefile})
    proc = run_demo("coredns", "-conf", "/etc/coredns/Corefile")
    proc.wait_for(lambda ln: "Running configuration SHA512" in ln)
    new = corefile.replace("errors", "errors\n    log")
    publish(tmp_path, "/etc/coredns", {"Corefile": new})
    digest = hashlib.sha512(new.encode()).hexdigest()
    proc.wait_for(lambda ln: ln == f"[INFO] plugin/reload: Running configuration SHA512 = {digest}")


def test_placeholder_stays_up_until_sigterm(tmp_path, run_demo):
    proc = run_demo("placeholder", "--anything", env={"KUBEKNOBS_IMAGE": "nginx:1.27"})
    proc.wait_for(lambda ln: "placeholder container started" in ln and "nginx:1.27" in ln)
    assert proc.proc.poll() is None
    proc.stop()
    assert proc.proc.returncode == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the demo program's state from /proc")
def test_demo_program_exits_when_the_process_that_started_it_is_killed(tmp_path):
    starter = (
        "import os, subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-I', {LAUNCHER!r}, 'placeholder'],"
        " stdout=subprocess.DEVNULL, start_new_session=True,"
        " env={'KUBEKNOBS_PARENT_PID': str(os.getpid())})\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", starter], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait(10)
    parent.stdout.close()
    assert os.path.isdir(f"/proc/{os.getpid()}")  # /proc lists processes: a missing entry means gone

    def exited() -> bool:
        try:
            with open(f"/proc/{child}/stat", "rb") as handle:
                return handle.read().rsplit(b")", 1)[1].split()[0] == b"Z"
        except FileNotFoundError:
            return True

    try:
        assert eventually(exited, 10, interval=0.1, message="the demo program to exit after its parent")
    finally:
        if not exited():
            os.killpg(child, signal.SIGKILL)


def test_remediationorchestrator_reports_old_and_new_values_of_live_keys(tmp_path, run_demo):
    config = "logging:\n  level: INFO\ndryRun: false\nretention:\n  period: 24h\n"
    publish(tmp_path, "/etc/config", {"remediationorchestrator.yaml": config})
    proc = run_demo("remediationorchestrator", "--config=/etc/config/remediationorchestrator.yaml")
    proc.wait_for(msg("File watcher started"))
    new = config.replace("dryRun: false", "dryRun: true")
    publish(tmp_path, "/etc/config", {"remediationorchestrator.yaml": new})
    record = json.loads(proc.wait_for(msg("Configuration hot-reloaded successfully")))
    assert record["changes"] == {"dryRun": "false -> true"}
    assert record["hash"] == sha(new)
    assert record["path"] == "/etc/config/remediationorchestrator.yaml"
