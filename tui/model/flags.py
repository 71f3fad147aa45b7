"""Command lines as the container runs them: kubelet `$(VAR)` expansion, `sh -c`, flags."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tui.model.durations import DurationError, is_go_duration, parse_go_duration

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
SHELL_SEPARATORS = frozenset({";", "&&", "||", "|", "&", ";;"})
SHELL_BUILTINS = frozenset(
    {"set", "export", "echo", "cd", "test", "[", "true", ":", "trap", "ulimit", "umask", "sleep"}
)
# Init processes that run the command after their own options (up to `--`): the flags are the command's.
WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})
# File and shell utilities (coreutils, busybox applets): their options are how they run, not settings.
UTILITIES = frozenset(
    {
        *("cp", "ln", "mv", "rm", "mkdir", "rmdir", "touch", "chown", "chmod", "chgrp", "install"),
        *("cat", "ls", "tar", "sed", "find", "echo", "sleep", "true", "false", "test", "tee", "env"),
    }
)
GO_BOOL_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
GO_BOOL_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})
VALUE_TYPES = ("duration", "int", "bool", "path", "string")

_INT = re.compile(r"[-+]?\d+")
_NEGATIVE_NUMBER = re.compile(r"-\d")
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

    @property
    def written_value(self) -> str | None:
        """The value as the manifest writes it, before `$(VAR)` expansion."""
        if len(self.written) == 2:
            return self.written[1]
        if not self.written or self.value is None:
            return None
        dashes = len(self.name) - len(self.bare_name)
        inline = _inline_value(self.written[0][dashes:])
        return inline[2] if inline else None


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
        except DurationError as error:
            if positive and _INT.fullmatch(text.strip()) and int(text) <= 0:
                return f"must be a duration greater than 0, with a unit (e.g. 30s, 5m): {text!r}"
            body = text.strip()
            hint = f"missing unit, e.g. {body}s" if error.missing_unit else "expected e.g. 30s, 5m, 1h30m"
            return f"not a Go duration: {text!r} ({hint})"
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
    if is_go_duration(value):
        return "duration"
    if value.startswith(("/", "./", "../", "~/")):
        return "path"
    return "string"


def _is_flag_token(token: str) -> bool:
    if len(token) < 2 or token[0] != "-" or token == "--" or _NEGATIVE_NUMBER.match(token):
        return False
    body = token[2:] if token.startswith("--") else token[1:]
    return bool(body) and body[0] not in "=-"


def _inline_value(body: str) -> tuple[str, str, str] | None:
    """(name, separator, value) of `name=value`, or of `name value` given as one argument."""
    cut = next((i for i, char in enumerate(body) if char == "=" or char.isspace()), None)
    if cut is None:
        return None
    return body[:cut], body[cut], body[cut + 1 :]


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
        inline = _inline_value(body)
        if inline is not None:
            bare, separator, value = inline
            note = stop_note
            if separator != "=":
                spaced = (
                    f"{token[:dashes]}{bare} and its value are given as one argument, which programs that"
                    " split their arguments at spaces (redis-server) read as the flag and its value"
                )
                note = "; ".join(n for n in (spaced, stop_note) if n)
            parts.append(
                Flag(
                    token[:dashes] + bare,
                    value,
                    known_types.get(bare) or infer_value_type(value),
                    token,
                    note=note,
                    tokens=(token,),
                    written=(written[index],),
                )
            )
            index += 1
            continue
        kind = known_types.get(body)
        following = tokens[index + 1] if index + 1 < count else None
        # `$(VAR)` is written as a value: whatever the kubelet puts there, the program gets it as one
        substituted = index + 1 < count and written[index + 1].startswith("$(")
        takes_no_value = (
            kind == "bool"
            or following is None
            or following == "--"
            or (_is_flag_token(following) and not substituted)
        )
        if takes_no_value or following is None:
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
    written = [str(token) for token in (*command, *args)]
    tokens = [expand_vars(token, env) for token in written]
    if not command:
        if tokens and _runs_a_program(tokens[0]):
            return CommandLine(tokens[0], _split_flags(tokens[1:], known, written[1:]))
        return CommandLine(None, _split_flags(tokens, known, written))
    via_shell = False
    notes: tuple[str, ...] = ()
    for _ in range(4):  # a wrapper may run a shell that execs a wrapper: a few levels, never a loop
        base = tokens[0].rsplit("/", 1)[-1]
        if base in WRAPPERS:
            rest = tokens[1:]
            start = (
                rest.index("--") + 1
                if "--" in rest
                else next((i for i, token in enumerate(rest) if not token.startswith("-")), len(rest))
            )
            if start >= len(rest):
                break
            tokens, written = rest[start:], written[1 + start :]
            continue
        if base == "busybox" and len(tokens) > 1 and not tokens[1].startswith("-"):
            tokens, written = tokens[1:], written[1:]  # `busybox cp …` runs the applet
            continue
        found = _shell_script(tokens[1:]) if base in SHELLS else None
        if found is None:
            break
        words, note = _script_command(found[0], env, found[1])
        via_shell, notes = True, (note,)
        if words is None:
            return CommandLine(tokens[0], (), via_shell=True, notes=notes)
        tokens, written = words, words
    program = tokens[0]
    if program.rsplit("/", 1)[-1] in UTILITIES:
        note = f"{program} is a file or shell utility: its options are how it runs, not settings"
        return CommandLine(program, (), via_shell=via_shell, notes=(note,))
    return CommandLine(
        program, _split_flags(tokens[1:], known, written[1:]), via_shell=via_shell, notes=notes
    )


_CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".ini", ".conf", ".cfg", ".properties", ".xml", ".txt")


def _runs_a_program(first_arg: str) -> bool:
    """Args that start with an absolute program path are run by the image's entrypoint (dumb-init, tini)."""
    return (
        first_arg.startswith("/") and not first_arg.endswith("/") and not first_arg.endswith(_CONFIG_SUFFIXES)
    )


def parse_flags(
    command: Sequence[str],
    args: Sequence[str],
    env: Mapping[str, str],
    known_types: Mapping[str, str] | None = None,
) -> list[Flag]:
    return parse_command_line(command, args, env, known_types).flags
