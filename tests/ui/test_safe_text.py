"""Cluster text reaches the screen as plain characters: no markup, no escape sequences."""

from hypothesis import given
from hypothesis import strategies as st

from tui.widgets.safe_text import clean, cluster_text


def test_escape_sequences_and_controls_are_removed():
    raw = "a\x1b[31mred\x1b[0m \x1b]0;title\x07z\x00\x07\tq\r\nnext\u202eevil"
    assert clean(raw) == "ared z    q nextevil"


def test_markup_stays_literal_text():
    text = cluster_text("[bold red]not markup[/] [link=http://x]y[/link]")
    assert text.plain == "[bold red]not markup[/] [link=http://x]y[/link]"
    assert text.spans == []


def test_newlines_kept_when_asked():
    assert clean("a\r\nb\x1b[2Jc", keep_newlines=True) == "a\nbc"


@given(st.text())
def test_clean_never_leaves_control_characters(value):
    out = clean(value)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in out)
