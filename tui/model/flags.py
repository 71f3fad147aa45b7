"""Command lines as the container runs them: kubelet `$(VAR)` expansion, `sh -c`, flags."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
SHELL_SEPARATORS = frozenset({";", "&&", "||", "|", "&", ";;"})
SHELL_BUILTINS = frozenset(
    {"set", "export", "echo", "cd", "test", "[", "true", ":", "trap", "ulimit", "umask", "sleep"}
)
GO_BOOL_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
GO_BOOL_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})
VALUE_TYPES = ("duration", "int", "bool", "path", "string")

_INT = re.compile(r"[-+]?\d+")
_NEGATIVE_NUMBER = re.compile(r"-\d")
_DURATION = re.compile(r"[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_SHELL_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Flag:
    name: str
    value: str | None
    value_type: str
    raw: str
    ambiguous: bool = False
    note: str | None = None
    tokens: tuple[str, ...] = field(default=(), compare=False)
    written: tuple[str, ...] = field(default=(), compare=False)  # the tokens before `$(VAR)` expansion

    @property
    def bare_name(self) -> str:
        return self.name.lstrip("-")


@dataclass(frozen=True)
class CommandLine:
    """The program a container runs and its arguments, split into flags and positionals."""

    program: str | None
    parts: tuple[Flag | str, ...]
    via_shell: bool = False
    notes: tuple[str, ...] = ()

    @property
    def flags(self) -> list[Flag]:
        return [part for part in self.parts if isinstance(part, Flag)]

    @property
    def positionals(self) -> list[str]:
        return [part for part in self.parts if isinstance(part, str)]

    def render(self) -> list[str]:
        """The argument tokens back, in order, exactly as parsed."""
        out: list[str] = []
        for part in self.parts:
            out.extend(part.tokens if isinstance(part, Flag) else (part,))
        return out


def expand_vars(text: str, env: Mapping[str, str]) -> str:
    """Expand `$(VAR)` like the kubelet: `$$` escapes, an unknown reference stays as written."""
    if "$" not in text:
        return text
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    length = len(text)
    while cursor < length:
        if text[cursor] == "$" and cursor + 1 < length:
            out.append(text[checkpoint:cursor])
            nxt = text[cursor + 1]
            advance = 1
            if nxt == "$":
                out.append("$")
            elif nxt == "(":
                close = text.find(")", cursor + 2)
                if close == -1:
                    out.append("$(")
                else:
                    name = text[cursor + 2 : close]
                    out.append(env.get(name, f"$({name})"))
                    advance = close - cursor
            else:
                out.append("$" + nxt)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    out.append(text[checkpoint:])
    return "".join(out)


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration string such as `1h30m` or `300ms`; ValueError if it is not one."""
    body = text.strip()
    if body in ("0", "+0", "-0"):
        return 0.0
    if not body or not _DURATION.fullmatch(body):
        if _INT.fullmatch(body):
            raise ValueError(f"not a Go duration: {text!r} (missing unit, e.g. {body}s)")
        raise ValueError(f"not a Go duration: {text!r} (expected e.g. 30s, 5m, 1h30m)")
    sign = -1.0 if body.startswith("-") else 1.0
    total = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _DURATION_PART.findall(body))
    return sign * total


def validate_value(
    value_type: str,
    text: str,
    *,
    positive: bool = False,
    choices: tuple[str, ...] = (),
    any_case: bool = False,
) -> str | None:
    """None when `text` is a valid value of `value_type` (and one of `choices`, if any), else why not."""
    if choices:
        fold = str.casefold if any_case else str
        if fold(text) not in {fold(choice) for choice in choices}:
            return f"must be one of {', '.join(choices)}, not {text!r}"
    if value_type == "duration":
        try:
            seconds = parse_go_duration(text)
        except ValueError as error:
            if positive and _INT.fullmatch(text.strip()) and int(text) <= 0:
                return f"must be a duration greater than 0, with a unit (e.g. 30s, 5m): {text!r}"
            return str(error)
        if positive and seconds <= 0:
            return f"must be a duration greater than 0: {text!r}"
        return None
    if value_type == "int":
        if not _INT.fullmatch(text.strip()):
            return f"not an integer: {text!r}"
        if positive and int(text) <= 0:
            return f"must be an integer greater than 0: {text!r}"
        return None
    if value_type == "bool":
        if text not in GO_BOOL_TRUE and text not in GO_BOOL_FALSE:
            return f"not a boolean (true or false): {text!r}"
        return None
    if value_type == "path":
        if not text:
            return "empty path"
        if "\x00" in text or "\n" in text:
            return f"not a usable path: {text!r}"
        return None
    return None


def infer_value_type(value: str | None) -> str:
    if value is None or value.lower() in ("true", "false"):
        return "bool"
    if _INT.fullmatch(value):
        return "int"
    if _DURATION.fullmatch(value):
        return "duration"
    if value.startswith(("/", "./", "../", "~/")):
        return "path"
    return "string"


def _is_flag_token(token: str) -> bool:
    if len(token) < 2 or token[0] != "-" or token == "--" or _NEGATIVE_NUMBER.match(token):
        return False
    body = token[2:] if token.startswith("--") else token[1:]
    return bool(body) and body[0] not in "=-"


def _split_flags(
    tokens: Sequence[str], known_types: Mapping[str, str], written: Sequence[str] | None = None
) -> tuple[Flag | str, ...]:
    parts: list[Flag | str] = []
    index = 0
    count = len(tokens)
    written = written if written is not None and len(written) == count else tokens
    after_argument: str | None = None
    while index < count:
        token = tokens[index]
        if token == "--":
            parts.extend(tokens[index:])
            break
        if not _is_flag_token(token):
            parts.append(token)
            after_argument = after_argument or token
            index += 1
            continue
        stop_note = (
            f"comes after the argument {after_argument!r}: Go's flag package stops at the first argument,"
            " pflag/cobra programs still read it"
            if after_argument is not None
            else None
        )
        dashes = 2 if token.startswith("--") else 1
        body = token[dashes:]
        if "=" in body:
            bare, value = body.split("=", 1)
            parts.append(
                Flag(
                    token[:dashes] + bare,
                    value,
                    known_types.get(bare) or infer_value_type(value),
                    token,
                    note=stop_note,
                    tokens=(token,),
                    written=(written[index],),
                )
            )
            index += 1
            continue
        kind = known_types.get(body)
        following = tokens[index + 1] if index + 1 < count else None
        if kind == "bool" or following is None or following == "--" or _is_flag_token(following):
            note = stop_note
            if kind not in (None, "bool"):
                note = f"{token} is declared as {kind} but no value follows it"
            parts.append(
                Flag(token, None, "bool", token, note=note, tokens=(token,), written=(written[index],))
            )
            index += 1
            continue
        ambiguous = kind is None
        note = (
            f"read {following!r} as the value of {token}; if {token} is a boolean flag, it is an argument instead"
            if ambiguous
            else None
        )
        note = "; ".join(n for n in (note, stop_note) if n) or None
        parts.append(
            Flag(
                token,
                following,
                kind or infer_value_type(following),
                f"{token} {following}",
                ambiguous=ambiguous,
                note=note,
                tokens=(token, following),
                written=(written[index], written[index + 1]),
            )
        )
        index += 2
    return tuple(parts)


def _shell_script(rest: Sequence[str]) -> tuple[str, list[str]] | None:
    """The script of `sh -c SCRIPT [$0 ARGS…]` / `sh -ec …` and the ARGS that `"$@"` stands for."""
    for index, token in enumerate(rest):
        if not token.startswith("-") or token == "-":
            return None
        if "c" in token[1:] and not token.startswith("--"):
            if index + 1 >= len(rest):
                return None
            return rest[index + 1], list(rest[index + 3 :])
    return None


def _script_command(
    script: str, env: Mapping[str, str], positional: Sequence[str] = ()
) -> tuple[list[str] | None, str]:
    """The program and arguments the script runs (its `exec`), and a note on how it was found."""
    text = script.replace("\\\n", " ").replace("\n", " ; ")
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError as error:
        return None, f"could not read the sh -c script ({error}); its flags are not shown"
    segments: list[list[str]] = [[]]
    for word in words:
        if word in SHELL_SEPARATORS or (word and set(word) <= set(";&|")):
            segments.append([])
        else:
            if word == "$@" and positional:
                segments[-1].extend(positional)
                continue
            segments[-1].append(_SHELL_VAR.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), word))
    commands = []
    for segment in segments:
        while segment and re.fullmatch(r"[A-Za-z_]\w*=.*", segment[0]):
            segment = segment[1:]
        if segment:
            commands.append(segment)
    for segment in commands:
        if segment[0] == "exec" and len(segment) > 1:
            return segment[1:], "flags of the program the sh -c script execs"
    candidates = [segment for segment in commands if segment[0] not in SHELL_BUILTINS]
    if not candidates:
        return None, "the sh -c script runs no program; no flags to show"
    return candidates[-1], "the sh -c script has no exec; flags of its last command"


def parse_command_line(
    command: Sequence[str],
    args: Sequence[str],
    env: Mapping[str, str],
    known_types: Mapping[str, str] | None = None,
) -> CommandLine:
    known = known_types or {}
    written_command = [str(token) for token in command]
    written_args = [str(token) for token in args]
    expanded_command = [expand_vars(str(token), env) for token in command]
    expanded_args = [expand_vars(str(token), env) for token in args]
    if not expanded_command:
        return CommandLine(None, _split_flags(expanded_args, known, written_args))
    program, rest = expanded_command[0], expanded_command[1:] + expanded_args
    if program.rsplit("/", 1)[-1] in SHELLS:
        found = _shell_script(rest)
        if found is not None:
            words, note = _script_command(found[0], env, found[1])
            if words is None:
                return CommandLine(program, (), via_shell=True, notes=(note,))
            return CommandLine(words[0], _split_flags(words[1:], known), via_shell=True, notes=(note,))
    return CommandLine(program, _split_flags(rest, known, written_command[1:] + written_args))


def parse_flags(
    command: Sequence[str],
    args: Sequence[str],
    env: Mapping[str, str],
    known_types: Mapping[str, str] | None = None,
) -> list[Flag]:
    return parse_command_line(command, args, env, known_types).flags
