"""`kubeknobs explain --against` run as CI and a pre-commit hook run it: outputs, exit codes, bad input."""

import json
import subprocess

import pytest

from tests.explain.against_manifests import helm_store, immutable_tariff, subpath_proxy
from tests.explain.test_explain_cli import explain

CHANGE_KEYS = {
    "namespace",
    "workload",
    "container",
    "source",
    "name",
    "old",
    "new",
    "layer",
    "mechanism",
    "outcome",
    "why",
}


@pytest.fixture
def pair(tmp_path):
    def write(old: str, new: str):
        (tmp_path / "old.yaml").write_text(old)
        (tmp_path / "new.yaml").write_text(new)
        return str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")

    return write


def test_json_follows_the_documented_schema(pair):
    old, new = pair(helm_store(), helm_store(connections=40, level="DEBUG"))
    result = explain("--against", old, "-f", new, "-o", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"changes", "skipped"}
    assert all(set(change) == CHANGE_KEYS for change in report["changes"])
    outcomes = {c["name"].partition("#")[2]: c["outcome"] for c in report["changes"]}
    assert outcomes["database.maxConnections"] == "restart-needed-not-triggered"
    assert report["skipped"][0]["kind"] == "Service"


def test_the_table_prints_cluster_text_as_data(pair):
    old, new = pair(subpath_proxy(), subpath_proxy(log_level="[bold]debug[/bold]"))
    result = explain("--against", old, "-f", new)
    assert result.returncode == 0, result.stderr
    assert "[bold]debug[/bold]" in result.stdout
    assert "rolls-out" in result.stdout and "--log-level" in result.stdout


def test_markdown_escapes_pipes_for_a_pull_request_comment(pair):
    old, new = pair(subpath_proxy(), subpath_proxy(log_level="debug|trace"))
    result = explain("--against", old, "-f", new, "-o", "markdown")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "--log-level" in line)
    assert "debug\\|trace" in row and row.count(" | ") == 5
    assert "1 rolls-out" in result.stdout


def test_github_annotations_name_the_file_and_escape_their_properties(pair):
    old, new = pair(helm_store(), helm_store(connections=40))
    result = explain("--against", old, "-f", new, "-o", "github")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    warning = next(line for line in lines if "#database.maxConnections" in line)
    assert warning.startswith(f"::warning file={new},title=restart-needed-not-triggered%3A store-config/")
    message = warning.split("::", 2)[2]
    assert message.startswith("Deployment/store in data, container store: ")
    assert "kubectl rollout restart deployment/store -n data" in message
    assert any(line.startswith("::notice ") for line in lines)  # the live file


def test_github_message_escapes_percent_and_newlines(pair):
    old, new = pair(subpath_proxy(), subpath_proxy(log_level="100%"))
    result = explain("--against", old, "-f", new, "-o", "github")
    assert "100%25" in result.stdout and "100%→" not in result.stdout


def test_fail_on_sets_exit_1_only_for_the_named_outcomes(pair):
    old, new = pair(immutable_tariff(), immutable_tariff(vat="0.22"))
    failing = explain(
        "--against",
        old,
        "-f",
        new,
        "-o",
        "json",
        "--fail-on",
        "restart-needed-not-triggered,rejected-immutable",
    )
    assert failing.returncode == 1, failing.stderr
    passing = explain("--against", old, "-f", new, "-o", "json", "--fail-on", "never-reaches-until-restart")
    assert passing.returncode == 0, passing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-on", "restart-needed"], "unknown outcome restart-needed"),
        (["--against", "/nonexistent/old.yaml"], "/nonexistent/old.yaml: no such file or directory"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(pair, args, message):
    old, new = pair(helm_store(), helm_store())
    full = ["--against", old, *args] if args[0] != "--against" else args
    result = explain(*full, "-f", new)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_yaml_error_exits_2_naming_the_file(pair):
    old, new = pair(helm_store(), "kind: ConfigMap\nmetadata: {name: [unclosed\n")
    result = explain("--against", old, "-f", new)
    assert result.returncode == 2
    assert f"{new}: document 1: not valid YAML" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--fail-on", "rolls-out"], ["-o", "markdown"], ["-o", "github"]])
def test_review_options_without_against_are_refused(args):
    result = explain("-f", "-", *args, stdin="")
    assert result.returncode == 2 and "need --against" in result.stderr


def test_unchanged_manifests_say_so_and_exit_0(pair):
    old, new = pair(helm_store(), helm_store())
    result = explain("--against", old, "-f", new, "--fail-on", "rolls-out")
    assert result.returncode == 0, result.stderr
    assert "No setting changes between OLD and NEW." in result.stdout


def test_new_from_stdin_as_helm_template_pipes_it(pair):
    old, _ = pair(helm_store(), "")
    result = explain(
        "--against", old, "-f", "-", "-o", "json", stdin=helm_store(checksum="0f0f0f", connections=30)
    )
    assert result.returncode == 0, result.stderr
    outcomes = {c["outcome"] for c in json.loads(result.stdout)["changes"]}
    assert outcomes == {"rolls-out"}


def test_stdin_read_twice_is_refused():
    result = explain("--against", "-", "-f", "-", stdin="")
    assert result.returncode == 2 and "stdin can be read only once" in result.stderr


def git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(folder), *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path):
    folder = tmp_path / "deploy"
    (folder / "apps").mkdir(parents=True)
    git(folder, "init", "-q")
    (folder / "apps" / "store.yaml").write_text(helm_store())
    (folder / "apps" / "gateway.yml").write_text(subpath_proxy())
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "base")
    return folder


def test_git_ref_reads_the_same_directory_at_the_ref(repo):
    (repo / "apps" / "store.yaml").write_text(helm_store(connections=64))
    (repo / "apps" / "gateway.yml").write_text(subpath_proxy(log_level="warn"))
    result = explain("--against", "git:HEAD", "-f", str(repo / "apps"), "-o", "json")
    assert result.returncode == 0, result.stderr
    found = {c["name"]: c["outcome"] for c in json.loads(result.stdout)["changes"]}
    assert found["store-config/config.yaml#database.maxConnections"] == "restart-needed-not-triggered"
    assert found["--log-level"] == "rolls-out"


def test_git_ref_reads_one_file_and_a_file_new_since_the_ref_is_all_new(repo):
    (repo / "apps" / "extra.yaml").write_text(immutable_tariff())
    result = explain("--against", "git:HEAD", "-f", str(repo / "apps" / "extra.yaml"), "-o", "json")
    assert result.returncode == 0, result.stderr
    assert {c["outcome"] for c in json.loads(result.stdout)["changes"]} == {"new-setting"}
    result = explain("--against", "git:HEAD", "-f", str(repo / "apps" / "store.yaml"), "-o", "json")
    assert json.loads(result.stdout)["changes"] == []


def test_git_ref_errors_are_plain(repo, tmp_path):
    unknown = explain("--against", "git:no-such-branch", "-f", str(repo / "apps"))
    assert unknown.returncode == 2 and "no-such-branch: no such Git ref" in unknown.stderr
    outside = tmp_path / "loose.yaml"
    outside.write_text(helm_store())
    result = explain("--against", "git:HEAD", "-f", str(outside))
    assert result.returncode == 2 and "not inside a Git repository" in result.stderr
    piped = explain("--against", "git:HEAD", "-f", "-", stdin="")
    assert piped.returncode == 2 and "give NEW as files" in piped.stderr
