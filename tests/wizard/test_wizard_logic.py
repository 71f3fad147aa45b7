"""The wizard's steps without a screen: the plan's words, validation, the text written, each pod's state."""

from __future__ import annotations

import hashlib

import pytest
from rich.text import Text

from tui.change.draft import Base, check_value, make_draft
from tui.change.edits import EditError
from tui.change.follow import PodCheck, ReloadChecklist, RolloutWatch
from tui.change.plan import Follow, Route, plan_change
from tui.history import ChangeHistory, ChangeRecord, history_path
from tui.model.events import CrashLoop, ReloadEvent, ReloadPending, ReloadStale, RolloutProgress
from tui.model.layers import Layer, Setting, Source
from tui.widgets.diff import unified_lines

FILE = "# the controller's config\nlogging:\n  level: INFO  # DEBUG when chasing a bug\nexecution:\n  cooldownPeriod: 5m\n"
WE = ("Deployment", "demo", "we")


def file_key(path: str, layer: Layer, value: str, **kw) -> Setting:
    base = dict(
        namespace="demo",
        workload="Deployment/we",
        container="we",
        source=Source.FILE_KEY,
        name=f"we.yaml#{path}",
        value=value,
        layer=layer,
        auto_restart=None,
        managed_by=None,
        evidence=(),
        plan=("Edit ConfigMap we",),
        configmap="we-config",
        key="we.yaml",
        key_path=path,
        mount_path="/etc/config/we.yaml",  # a Setting names the file itself, as tui/model/files.py does
        consumed="volume",
    )
    return Setting(**{**base, **kw})


WATCHED_FILE = file_key(
    "", Layer.HOT_RELOAD, FILE, source=Source.FILE, key_path=None, name="we-config/we.yaml"
)
LEVEL = file_key("logging.level", Layer.HOT_RELOAD, "INFO")
COOLDOWN = file_key("execution.cooldownPeriod", Layer.RESTART, "5m", value_type="duration")
FLAG = Setting(
    namespace="demo",
    workload="Deployment/legacy",
    container="we",
    source=Source.FLAG,
    name="--cooldown-period",
    value="5m",
    layer=Layer.RESTART,
    auto_restart=None,
    managed_by=None,
    evidence=("declared by profile legacy: --cooldown-period is a duration greater than 0",),
    plan=(),
    value_type="duration",
    consumed="flag",
    positive=True,
)


def test_restart_only_key_in_a_watched_file_says_so_in_plain_words():
    plan = plan_change(COOLDOWN, pods=2, siblings=[WATCHED_FILE, LEVEL, COOLDOWN])
    assert plan.route == Route.KEY_PATH and plan.follow == Follow.RELOAD_THEN_RESTART
    assert plan.summary == (
        "`execution.cooldownPeriod` is in ConfigMap `we-config`, file `we.yaml`, mounted at "
        "`/etc/config/we.yaml`. The app watches this file but reads this key only at start: edit the "
        "ConfigMap, then restart 2 pods."
    )


def test_hot_key_waits_for_reload_and_flag_rolls_the_template():
    assert plan_change(LEVEL, pods=2).follow == Follow.HOT
    plan = plan_change(FLAG, pods=1)
    assert (plan.route, plan.follow, plan.verb) == (Route.TEMPLATE, Follow.ROLLOUT, "patch deployments")
    assert "rolls 1 pod" in plan.summary


def test_managed_reloader_immutable_rbac_and_read_only_are_warned_before_any_edit():
    plan = plan_change(
        file_key("logging.level", Layer.HOT_RELOAD, "INFO", managed_by="argocd", auto_restart="reloader"),
        pods=3,
        can=lambda verb, resource, ns: False,
    )
    kinds = [c.kind for c in plan.cautions]
    assert kinds == ["argocd", "reloader", "rbac"]
    assert plan.follow == Follow.ROLLOUT  # Reloader rolls the pods
    assert "update configmaps in namespace demo" in plan.cautions[-1].text and plan.blocked.kind == "rbac"
    assert not plan.cautions[0].blocks  # the operator may still proceed against GitOps
    assert plan_change(LEVEL, pods=1, readonly=True).blocked.kind == "readonly"
    immutable = plan_change(file_key("logging.level", Layer.IMMUTABLE, "INFO"), pods=1)
    assert immutable.follow == Follow.ROLLOUT and immutable.cautions[0].kind == "immutable"
    assert "creates a new ConfigMap" in immutable.cautions[0].text and immutable.verb == "create configmaps"
    secret = plan_change(file_key("token", Layer.RESTART, None, secret=True), pods=1)
    assert secret.route == Route.REFUSED and "never shows or edits Secret values" in secret.refusal


def test_key_path_edit_keeps_comments_and_the_rest_of_the_file():
    draft = make_draft(LEVEL, Route.KEY_PATH, Base(FILE, "7", {}), "DEBUG")
    changed = [line for line in unified_lines(draft.old_text, draft.new_text)[2:] if line[:1] in "+-"]
    assert [line.split("#")[0].rstrip() for line in changed] == ["-  level: INFO", "+  level: DEBUG"]
    assert all(line.endswith("# DEBUG when chasing a bug") for line in changed)
    assert draft.new_text.startswith("# the controller's config\n") and "cooldownPeriod: 5m" in draft.new_text


def test_invalid_values_are_named_and_block_the_next_step():
    assert "duration" in check_value(FLAG, Route.TEMPLATE, "-1")
    assert "greater than 0" in check_value(FLAG, Route.TEMPLATE, "-5m")
    assert check_value(FLAG, Route.TEMPLATE, "10m") is None
    whole = file_key("", Layer.HOT_RELOAD, FILE, source=Source.FILE, key_path=None)
    assert "not valid YAML at line 2" in check_value(whole, Route.KEY, "a: [1\nb: 2")
    with pytest.raises(EditError, match="same as the current"):
        make_draft(LEVEL, Route.KEY_PATH, Base(FILE, "7", {}), "INFO")
    with pytest.raises(EditError, match="greater than 0"):
        make_draft(FLAG, Route.TEMPLATE, Base("", "1", {}), "0s")


def test_flag_edit_changes_only_that_argument_of_the_pod_template():
    obj = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "we",
                            "image": "we:legacy",
                            "args": ["--cooldown-period=5m", "--leader-elect"],
                        }
                    ]
                }
            }
        }
    }
    from tui.change.draft import base_from_workload

    draft = make_draft(FLAG, Route.TEMPLATE, base_from_workload(obj, "we"), "10m")
    changed = [line for line in unified_lines(draft.old_text, draft.new_text) if line[:1] in "+-"][2:]
    assert changed == ["-- --cooldown-period=5m", "+- --cooldown-period=10m"]


def reload(pod: str, outcome: str, version: str = "42", **kw) -> ReloadEvent:
    return ReloadEvent(
        namespace="demo",
        workload=WE,
        pod=pod,
        container="we",
        outcome=outcome,
        hash="ab" * 32,
        version=version,
        configmap="we-config",
        key="we.yaml",
        delay=1.5,
        **kw,
    )


def test_each_pod_turns_green_only_for_the_version_written():
    watch = ReloadChecklist("we-config", "we.yaml", "42", [PodCheck("we-a"), PodCheck("we-b")])
    assert not watch.feed(reload("we-a", "applied", version="41"))  # an older change
    assert not watch.feed(reload("we-c", "applied"))  # not one of ours
    assert watch.feed(reload("we-a", "applied"))
    assert not watch.all_applied and not watch.answered
    stale = ReloadStale(
        namespace="demo",
        workload=WE,
        pod="we-b",
        configmap="we-config",
        key="we.yaml",
        since=reload("x", "applied").time,
    )
    assert watch.feed(stale) and watch.pods[1].state == "no event yet"
    pending = ReloadPending(
        namespace="demo", workload=WE, pod="we-b", configmap="we-config", key="we.yaml", since=stale.since
    )
    assert watch.feed(pending) and watch.pods[1].state == "waiting for kubelet"
    assert watch.feed(reload("we-b", "rejected", message="rego_parse_error"))
    assert watch.answered and [p.pod for p in watch.rejected] == ["we-b"] and watch.slowest == 1.5


def test_rollout_watch_fails_on_a_crash_loop_except_while_rolling_back():
    progress = RolloutProgress(namespace="demo", workload=WE, updated=1, ready=0, available=0, desired=1)
    crash = CrashLoop(namespace="demo", workload=WE, pod="we-x", container="we", last_lines=("bad flag",))
    watch = RolloutWatch(WE)
    assert watch.feed(progress) and not watch.done and watch.failed is None
    assert watch.feed(crash) and watch.failed == "CrashLoopBackOff"
    back = RolloutWatch(WE, crashes_fail=False)
    back.feed(crash)
    assert back.failed is None


def test_the_rollout_bar_stays_short_of_full_while_a_new_pod_crash_loops():
    # the stream's count from the Deployment's status: its one pod is available between two crashes
    full = RolloutProgress(
        namespace="demo", workload=WE, updated=1, ready=1, available=1, desired=1, done=True
    )
    crash = CrashLoop(namespace="demo", workload=WE, pod="we-x", container="we")
    watch = RolloutWatch(WE, crashes_fail=False)
    watch.feed(full)
    assert watch.bar == (1, 1)
    watch.feed(crash)
    assert watch.bar == (0, 1)


def test_history_is_json_lines_in_the_state_dir_newest_first(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBEKNOBS_STATE_DIR", str(tmp_path / "state"))
    assert history_path() == tmp_path / "state" / "history.jsonl"
    history = ChangeHistory()
    assert history.records() == []
    for value in ("DEBUG", "WARN"):
        history.append(
            ChangeRecord(
                started="2026-01-01T00:00:00Z",
                context="c",
                user="u",
                namespace="demo",
                workload="Deployment/we",
                container="we",
                setting="logging.level",
                source="file-key",
                layer="hot-reload",
                old_value="INFO",
                new_value=value,
                outcome="in-force",
                in_force_after=1.2,
            )
        )
    with history.path.open("a") as fh:
        fh.write("not json\n")
    assert [r.new_value for r in history.records()] == ["WARN", "DEBUG"]
    assert (history.path.stat().st_mode & 0o777) == 0o600


def test_diff_renders_cluster_text_as_data():
    from textual.app import App

    from tui.widgets.diff import diff_text

    class Bare(App):
        pass

    text = diff_text(Bare(), "a: [bold]x[/bold]\n", "a: \x1b[31mred\n")
    assert isinstance(text, Text)
    assert "[bold]x[/bold]" in text.plain and "\x1b" not in text.plain


async def test_a_format_without_an_installed_grammar_still_gets_a_plain_editor():
    from textual.app import App
    from textual.containers import Vertical

    from tui.screens.wizard.screen import value_editor

    class One(App):
        def compose(self):
            with Vertical():
                yield value_editor(
                    file_key("", Layer.HOT_RELOAD, "{}", source=Source.FILE, key_path=None, key="a.json")
                )
            with Vertical():
                yield value_editor(file_key("", Layer.HOT_RELOAD, "a: 1", source=Source.FILE, key_path=None))

    app = One()
    async with app.run_test():
        languages = [area.language for area in app.query("TextArea")]
        assert languages[1] == "yaml" and languages[0] in (None, "json")


def test_a_crash_with_log_lines_replaces_the_bare_report_of_the_same_container():
    watch = RolloutWatch(WE)
    watch.feed(CrashLoop(namespace="demo", workload=WE, pod="we-x", container="we", last_lines=("back-off",)))
    watch.feed(
        CrashLoop(
            namespace="demo",
            workload=WE,
            pod="we-x",
            container="we",
            last_lines=("starting", "invalid value for flag --cooldown-period"),
        )
    )
    assert len(watch.crashes) == 1 and watch.crashes[0].last_lines[-1].startswith("invalid value")


def test_repointing_reaches_every_use_of_the_configmap_in_the_pod_template():
    from tui.cluster.repoint import new_name, reference_ops

    template = {
        "spec": {
            "volumes": [
                {"name": "a", "configMap": {"name": "old"}},
                {"name": "b", "configMap": {"name": "other"}},
                {
                    "name": "c",
                    "projected": {"sources": [{"secret": {"name": "s"}}, {"configMap": {"name": "old"}}]},
                },
            ],
            "initContainers": [{"name": "init", "envFrom": [{"configMapRef": {"name": "old"}}]}],
            "containers": [
                {
                    "name": "app",
                    "env": [
                        {"name": "X", "value": "1"},
                        {"name": "Y", "valueFrom": {"configMapKeyRef": {"name": "old", "key": "y"}}},
                    ],
                }
            ],
        }
    }
    paths = [op["path"] for op in reference_ops(template, "old", "new")]
    assert paths == [
        "/spec/template/spec/volumes/0/configMap/name",
        "/spec/template/spec/volumes/2/projected/sources/1/configMap/name",
        "/spec/template/spec/initContainers/0/envFrom/0/configMapRef/name",
        "/spec/template/spec/containers/0/env/1/valueFrom/configMapKeyRef/name",
    ]
    assert new_name("schema", {"v": "8"}) == new_name("schema", {"v": "8"}) != new_name("schema", {"v": "9"})


class Actions:
    """The writes a change makes, answered as the API server would for a ConfigMap that accepts them."""

    def __init__(self, base: str, logs: dict[str, list[str]] | None = None):
        self.base, self.logs, self.written = base, logs or {}, []

    def read_object(self, kind, namespace, name):
        if kind == "Pod":  # the API server's whole pod, where the session's cache keeps a slim one
            return next(p for p in self.session.pods if p["metadata"]["name"] == name)
        template = {"spec": {"containers": [{"name": "we", "args": ["--cooldown-period=5m"]}]}}
        return {
            "kind": kind,
            "metadata": {"name": name, "resourceVersion": "41"},
            "data": {"we.yaml": self.base},
            "spec": {"template": template},
        }

    def edit_container_value(self, workload, container, source, name, value, **kw):
        from tui.change.results import ActionResult

        return ActionResult("ok", f"{name} set to {value}", resource_version="43")

    def rollout_restart(self, workload):
        from tui.change.results import ActionResult

        return ActionResult("ok", "restarted", resource_version="44")

    def edit_configmap_key(self, namespace, name, key, value, *, resource_version=None, dry_run=False):
        from tui.change.results import ActionResult

        if not dry_run:
            self.written.append(value)
        return ActionResult("ok", f"ConfigMap {name} key {key} updated", resource_version="42")

    def last_log_lines(self, namespace, pod, container, count, *, previous=False):
        return self.logs.get(pod, [])

    def run_in_pod(self, namespace, pod, container, argv):
        """`sha256sum FILE` in a pod: the last value written has reached we-a; we-b may not be exec'd into."""
        from tui.cluster.podexec import ExecResult

        if pod == "we-b":
            return ExecResult(None, "", "", "pods/exec refused (403): forbidden")
        digest = hashlib.sha256((self.written or [self.base])[-1].encode()).hexdigest()
        return ExecResult(0, f"{digest}  {argv[-1]}\n", "")


class Session:
    """The port a ChangeFlow reads the cluster through: two pods of Deployment we, and what was seen of Reloader."""

    readonly = False

    def __init__(self, actions: Actions, *, reloader=None, pods=("we-a", "we-b")):
        from tui.change.port import ReloaderSeen

        self.actions, self.pods = actions, [pod_of(name) for name in pods]
        actions.session = self
        self.seen = reloader or ReloaderSeen(
            False, "no Deployment in any namespace runs Stakater Reloader's image"
        )

    def workloads(self):
        return {}

    def settings(self, key):
        return [WATCHED_FILE, LEVEL, COOLDOWN]

    def workload_object(self, key):
        return {"kind": "Deployment", "metadata": {"name": "we", "generation": 3, "resourceVersion": "40"}}

    def pods_of(self, key):
        return self.pods

    def can(self, verb, resource, namespace):
        return True

    def reloader(self):
        return self.seen


def pod_of(name: str, args: tuple[str, ...] = ()) -> dict:
    return {"metadata": {"name": name}, "spec": {"containers": [{"name": "we", "args": list(args)}]}}


def flow_on(setting: Setting, session: Session, tmp_path):
    from tui.change.flow import ChangeFlow

    flow = ChangeFlow(setting, WE, session, history=ChangeHistory(tmp_path / "history.jsonl"), window=5.0)
    flow.prepare()
    return flow


def test_raising_the_log_level_hides_the_reload_line_and_never_advises_a_restart(tmp_path):
    from tui.change.flow import Phase

    flow = flow_on(LEVEL, Session(Actions(FILE)), tmp_path)
    flow.edit("WARN")
    assert flow.apply().ok and flow.phase == Phase.RELOADING
    assert (
        flow.reload.quiet == "logging.level is now WARN, so the app no longer logs its info-level reload line"
    )
    stale = ReloadStale(
        namespace="demo",
        workload=WE,
        pod="we-a",
        configmap="we-config",
        key="we.yaml",
        since=reload("x", "x").time,
    )
    assert flow.feed([stale]) and flow.reload.pods[0].state == "applied, not provable from logs"
    assert flow.tick(flow.applied_at + 6)  # past the window: no pod owes a line it cannot log
    assert flow.phase == Phase.PROVING  # the file in each pod is read instead (on the runner's thread)
    assert [p.state for p in flow.reload.pods] == ["applied, not provable from logs"] * 2
    proofs = flow.prove()
    assert flow.phase == Phase.UNPROVEN and flow.step == "Summary"  # a file in place is not the app's reload
    assert [(p.pod, p.proven) for p in proofs] == [("we-a", True), ("we-b", None)]
    assert "has the new file" in proofs[0].detail and "403" in proofs[1].detail
    assert "sha256sum /etc/config/we.yaml" in flow.what_would_tell()
    assert flow.recorded.outcome == "applied-unproven" and flow.in_force_after is None


def test_lowering_the_log_level_still_waits_for_the_reload_line(tmp_path):
    from tui.change.flow import Phase

    flow = flow_on(LEVEL, Session(Actions(FILE)), tmp_path)
    flow.edit("DEBUG")
    flow.apply()
    assert flow.reload.quiet == ""
    flow.tick(flow.applied_at + 6)
    assert flow.phase == Phase.STALE


def test_a_reloader_annotation_without_reloader_running_follows_the_apps_own_reload(tmp_path):
    from tui.change.flow import Phase
    from tui.change.port import ReloaderSeen

    annotated = file_key("logging.level", Layer.HOT_RELOAD, "INFO", auto_restart="reloader")
    flow = flow_on(annotated, Session(Actions(FILE)), tmp_path)
    assert flow.plan.follow == Follow.HOT
    assert flow.plan.cautions[0].text == (
        "The workload is annotated for Stakater Reloader, but no Deployment in any namespace runs Stakater "
        "Reloader's image: nothing rolls the pods; the app's own reload is followed."
    )
    flow.edit("DEBUG")
    flow.apply()
    assert flow.phase == Phase.RELOADING and flow.rollout is None and flow.awaiting_generation is None
    flow.feed([reload("we-a", "applied"), reload("we-b", "applied")])
    assert flow.phase == Phase.IN_FORCE
    unseen = ReloaderSeen(
        None, "Deployments cannot be listed in every namespace, so whether it runs cannot be seen"
    )
    blind = flow_on(annotated, Session(Actions(FILE), reloader=unseen), tmp_path)
    assert blind.plan.follow == Follow.HOT and "cannot be seen" in blind.plan.cautions[0].text
    running = flow_on(annotated, Session(Actions(FILE), reloader=ReloaderSeen(True, "runs")), tmp_path)
    assert running.plan.follow == Follow.ROLLOUT and "rolls every pod" in running.plan.cautions[0].text


def rolled_out() -> RolloutProgress:
    return RolloutProgress(
        namespace="demo", workload=WE, updated=2, ready=2, available=2, desired=2, done=True
    )


def initial_load(digest: str) -> str:
    return (
        '{"level":"info","logger":"workflowexecution.file-watcher","msg":"Initial content loaded",'
        f'"path":"/etc/config/we.yaml","hash":"{digest}","size":80}}'
    )


def test_a_restart_is_in_force_only_when_each_new_pod_logged_the_new_contents_hash(tmp_path):
    import hashlib

    from tui.change.flow import Phase

    actions = Actions(FILE)
    session = Session(actions)
    flow = flow_on(COOLDOWN, session, tmp_path)
    flow.edit("7m")
    flow.apply()
    flow.feed([reload("we-a", "needs-restart"), reload("we-b", "needs-restart")])
    assert flow.phase == Phase.CONFIRM_RESTART and flow.restart().ok
    flow.feed([rolled_out()])
    assert flow.phase == Phase.PROVING  # rolled out is not yet in force
    digest = hashlib.sha256(actions.written[-1].encode()).hexdigest()
    session.pods = [pod_of("we-c"), pod_of("we-d")]
    actions.logs = {"we-c": ["starting", initial_load(digest)], "we-d": [initial_load("ab" * 32)]}
    proofs = flow.prove()
    assert [(p.pod, p.proven) for p in proofs] == [("we-c", True), ("we-d", False)]
    assert proofs[0].detail == f"started with the new content (hash {digest[:12]})"
    assert flow.phase == Phase.UNPROVEN and "other than the new value" in flow.unproven_reason
    again = flow_on(COOLDOWN, Session(actions), tmp_path)
    again.edit("7m")
    again.apply()
    again.feed([reload("we-a", "needs-restart"), reload("we-b", "needs-restart")])
    again.restart()
    again.feed([rolled_out()])
    again.session.pods = [pod_of("we-c"), pod_of("we-e")]
    actions.logs = {"we-c": [initial_load(digest)], "we-e": [initial_load(digest[:12])]}
    assert all(p.proven for p in again.prove()) and again.phase == Phase.IN_FORCE


def test_a_flag_change_is_in_force_when_each_new_pod_runs_it_on_its_command_line(tmp_path):
    from tui.change.flow import Phase

    session = Session(Actions(FILE))
    flow = flow_on(FLAG, session, tmp_path)
    flow.edit("10m")
    assert flow.apply().ok and flow.phase == Phase.ROLLING
    flow.feed([rolled_out()])
    session.pods = [pod_of("we-x", ("--cooldown-period=10m",)), pod_of("we-y", ("--cooldown-period", "5m"))]
    proofs = flow.prove()
    assert [p.detail for p in proofs] == [
        "started with --cooldown-period=10m on its command line",
        "started with '5m' for --cooldown-period on its command line",
    ]
    assert flow.phase == Phase.UNPROVEN
    session.pods = session.pods[:1]
    flow.phase = Phase.PROVING
    assert flow.prove()[0].proven is True


def test_a_blank_value_for_a_typed_flag_is_refused_with_the_reason():
    namespace = Setting(
        **{**FLAG.__dict__, "name": "--execution-namespace", "value_type": "string", "positive": False}
    )
    for blank in ("", "   ", "\t"):
        problem = check_value(namespace, Route.TEMPLATE, blank)
        assert problem and problem.startswith("--execution-namespace needs a value"), (blank, problem)
    assert check_value(namespace, Route.TEMPLATE, "kubernaut-workflows") is None
