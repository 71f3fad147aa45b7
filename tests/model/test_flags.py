"""Command lines as the container runs them: flag forms, kubelet expansion, sh -c, value types."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.flags import (
    expand_vars,
    infer_value_type,
    parse_command_line,
    parse_flags,
    validate_value,
)


def flags_of(args, command=("/app",), env=None, known=None):
    return [(f.name, f.value, f.ambiguous) for f in parse_flags(list(command), list(args), env or {}, known)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--config=/etc/a.yaml"], [("--config", "/etc/a.yaml", False)]),
        (["--config", "/etc/a.yaml"], [("--config", "/etc/a.yaml", True)]),
        (["-conf=/etc/Corefile"], [("-conf", "/etc/Corefile", False)]),
        (["-conf", "/etc/Corefile"], [("-conf", "/etc/Corefile", True)]),
        (["--verbose"], [("--verbose", None, False)]),
        (["--verbose", "--level=2"], [("--verbose", None, False), ("--level", "2", False)]),
        (["--tag=a", "--tag=b"], [("--tag", "a", False), ("--tag", "b", False)]),
        (["serve", "--port=80"], [("--port", "80", False)]),
        (["--", "--not-a-flag=1"], []),
        (["--offset", "-5"], [("--offset", "-5", True)]),
        (["--empty="], [("--empty", "", False)]),
        (["--eq=a=b"], [("--eq", "a=b", False)]),
        (["-", "--x"], [("--x", None, False)]),
        (["--requirepass $(REDIS_PASSWORD)"], [("--requirepass", "$(REDIS_PASSWORD)", False)]),
        (
            ["--requirepass $(REDIS_PASSWORD)", "--save", ""],
            [("--requirepass", "$(REDIS_PASSWORD)", False), ("--save", "", True)],
        ),
        (["--eq=a b"], [("--eq", "a b", False)]),
    ],
)
def test_flag_forms(args, expected):
    assert flags_of(args) == expected


def test_a_flag_and_its_value_in_one_argument_say_who_reads_them_so():
    (flag,) = parse_flags(["redis-server"], ["--requirepass $(REDIS_PASSWORD)"], {})
    assert "given as one argument" in flag.note


def test_a_substituted_value_is_a_value_whatever_it_expands_to():
    assert flags_of(["--offset", "$(SHIFT)", "--b=1"], env={"SHIFT": "-x"}) == [
        ("--offset", "-x", True),
        ("--b", "1", False),
    ]


@pytest.mark.parametrize(
    ("command", "args"),
    [
        # ingress-nginx: the image's entrypoint is dumb-init, the args start with the program
        ((), ["/nginx-ingress-controller", "--configmap=$(POD_NAMESPACE)/cfg", "--v=2"]),
        (["/usr/bin/dumb-init", "--"], ["/manager", "--configmap=ns/cfg", "--v=2"]),
        (["tini", "-s", "--", "/manager"], ["--configmap=ns/cfg", "--v=2"]),
        (["/sbin/tini", "--", "/bin/sh", "-c", "exec /manager --configmap=ns/cfg --v=2"], []),
        (["/bin/sh", "-c", "exec /manager --configmap=ns/cfg --v=2"], []),
    ],
)
def test_wrapper_entrypoints_run_the_program_whose_flags_follow(command, args):
    line = parse_command_line(command, args, {"POD_NAMESPACE": "ns"})
    assert line.program.endswith(("/nginx-ingress-controller", "/manager"))
    assert [(f.name, f.value) for f in line.flags] == [("--configmap", "ns/cfg"), ("--v", "2")]
    assert not any(f.note for f in line.flags)


def test_a_subcommand_still_gets_the_go_flag_warning():
    (flag,) = parse_flags(["/app"], ["serve", "--port=80"], {})
    assert "Go's flag package stops at the first argument" in flag.note


@pytest.mark.parametrize(
    ("command", "args"),
    [
        (["chown", "-R", "65534:65534", "/data"], []),  # the Prometheus addon's init-chown-data
        (["/bin/cp", "-n", "/usr/local/bin/argocd", "/shared/argocd-dex"], []),  # Argo CD's copyutil
        (["sh", "-c"], ["/bin/cp /usr/local/bin/tool /run/tool && /bin/ln -sf /run/tool /run/tool-server"]),
        (["busybox", "cp", "-R", "/src", "/dst"], []),
    ],
)
def test_file_utilities_have_no_flags_to_turn(command, args):
    line = parse_command_line(command, args, {})
    assert line.flags == []
    assert "its options are how it runs, not settings" in line.notes[0]


def test_a_declared_boolean_flag_does_not_take_the_next_argument():
    assert flags_of(["--leader-elect", "run"], known={"leader-elect": "bool"}) == [
        ("--leader-elect", None, False)
    ]


def test_a_declared_valued_flag_takes_the_next_argument_without_ambiguity():
    flags = parse_flags(["/manager"], ["--execution-namespace", "ns"], {}, {"execution-namespace": "string"})
    assert [(f.name, f.value, f.ambiguous, f.value_type) for f in flags] == [
        ("--execution-namespace", "ns", False, "string")
    ]


def test_ambiguous_separate_value_says_so():
    (flag,) = parse_flags(["/app"], ["--mode", "fast"], {})
    assert flag.ambiguous
    assert "if --mode is a boolean flag" in flag.note


def test_without_command_every_arg_is_parsed():
    assert flags_of(["--a=1"], command=()) == [("--a", "1", False)]


def test_command_and_args_are_joined():
    assert flags_of(["--b=2"], command=("/app", "--a=1")) == [("--a", "1", False), ("--b", "2", False)]


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("$(A)", {"A": "1"}, "1"),
        ("x$(A)y", {"A": "1"}, "x1y"),
        ("$$(A)", {"A": "1"}, "$(A)"),
        ("$(MISSING)", {}, "$(MISSING)"),
        ("$(A", {"A": "1"}, "$(A"),
        ("$A", {"A": "1"}, "$A"),
        ("$$", {}, "$"),
        ("end$", {}, "end$"),
        ("$(A)$(B)", {"A": "1", "B": "2"}, "12"),
        ("$$$(A)", {"A": "1"}, "$1"),
    ],
)
def test_kubelet_expansion(text, env, expected):
    assert expand_vars(text, env) == expected


def test_flag_value_expanded_from_env():
    assert flags_of(["-config", "$(CONFIG_PATH)"], env={"CONFIG_PATH": "/etc/c.yaml"}) == [
        ("-config", "/etc/c.yaml", True)
    ]


@pytest.mark.parametrize(
    ("command", "args", "expected_program", "expected"),
    [
        (["/bin/sh", "-c"], ["exec /app --a=1 -b 2"], "/app", [("--a", "1"), ("-b", "2")]),
        (["sh", "-c", "set -e; FOO=1 exec /app --x=$FOO"], [], "/app", [("--x", "$FOO")]),
        (["bash", "-ec"], ['echo hi && exec /srv/run --port "$PORT"'], "/srv/run", [("--port", "8080")]),
        (["/bin/sh", "-c"], ["/app --only=1"], "/app", [("--only", "1")]),
        (["/bin/sh", "-c"], ["cd /srv\nexec ./run --mode='a b'"], "./run", [("--mode", "a b")]),
        (["sh", "-c", 'exec /app "$@"', "--"], ["--port=1", "-v"], "/app", [("--port", "1"), ("-v", None)]),
    ],
)
def test_sh_c_scripts_give_the_flags_of_the_execed_program(command, args, expected_program, expected):
    line = parse_command_line(command, args, {"PORT": "8080"})
    assert line.via_shell
    assert line.program == expected_program
    assert [(f.name, f.value) for f in line.flags] == expected


def test_unreadable_script_is_explained_not_fatal():
    line = parse_command_line(["/bin/sh", "-c"], ["exec /app --a='unterminated"], {})
    assert line.flags == []
    assert "could not read the sh -c script" in line.notes[0]


@pytest.mark.parametrize(
    ("value_type", "text", "positive", "problem"),
    [
        ("duration", "5m", True, None),
        ("duration", "0s", True, "greater than 0"),
        ("duration", "-1s", True, "greater than 0"),
        ("duration", "5", False, "missing unit"),
        ("duration", "1h 30m", False, "not a Go duration"),
        ("duration", "-1", True, "greater than 0, with a unit"),
        ("int", "42", False, None),
        ("int", "4.2", False, "not an integer"),
        ("int", "0", True, "greater than 0"),
        ("bool", "true", False, None),
        ("bool", "F", False, None),
        ("bool", "yes", False, "not a boolean"),
        ("path", "/etc/x", False, None),
        ("path", "", False, "empty path"),
        ("string", "anything", False, None),
    ],
)
def test_value_validation(value_type, text, positive, problem):
    result = validate_value(value_type, text, positive=positive)
    if problem is None:
        assert result is None
    else:
        assert problem in result


LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")


@pytest.mark.parametrize(
    ("value_type", "text", "choices", "any_case", "problem"),
    [
        ("string", "DEBUG", LEVELS, False, None),
        ("string", "LOUD", LEVELS, False, "must be one of DEBUG, INFO, WARN, ERROR, not 'LOUD'"),
        ("string", "debug", LEVELS, False, "must be one of DEBUG, INFO, WARN, ERROR, not 'debug'"),
        ("string", "debug", LEVELS, True, None),
        ("string", "", LEVELS, True, "must be one of DEBUG, INFO, WARN, ERROR, not ''"),
        ("string", "anything", (), False, None),
        ("int", "3", ("1", "3"), False, None),
    ],
)
def test_value_validation_with_declared_choices(value_type, text, choices, any_case, problem):
    assert validate_value(value_type, text, choices=choices, any_case=any_case) == problem


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("true", "bool"),
        (None, "bool"),
        ("12", "int"),
        ("90s", "duration"),
        ("1h30m", "duration"),
        ("/etc/x", "path"),
        ("./x", "path"),
        ("kubernaut", "string"),
        (":8080", "string"),
    ],
)
def test_value_types_are_inferred(value, kind):
    assert infer_value_type(value) == kind


tokens = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [
                "--",
                "-",
                "--a",
                "-b",
                "--c=1",
                "$(V)",
                "$$(V)",
                "-1",
                "--=x",
                "---x",
                "-=",
                "$(",
                "--d $(W)",
                "-e f",
            ]
        ),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(args=tokens, env=st.dictionaries(st.sampled_from(["V", "W"]), st.text(max_size=6), max_size=2))
def test_parser_never_crashes_and_prints_back_what_it_parsed(args, env):
    line = parse_command_line(["/app"], args, env)
    assert line.render() == [expand_vars(a, env) for a in args]
    for flag in line.flags:
        assert "".join(flag.tokens).startswith(flag.name)
        if len(flag.tokens) == 1 and flag.value is not None:
            separator = flag.tokens[0][len(flag.name)]
            assert separator == "=" or separator.isspace()
            assert flag.tokens[0] == f"{flag.name}{separator}{flag.value}"
        if len(flag.tokens) == 2:
            assert flag.tokens == (flag.name, flag.value)


@settings(max_examples=200, deadline=None)
@given(script=st.text(max_size=60))
def test_shell_scripts_never_crash_the_parser(script):
    line = parse_command_line(["/bin/sh", "-c", script], [], {})
    assert isinstance(line.flags, list)
