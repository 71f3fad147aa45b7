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


# every range either side treats as unsafe, and the characters just outside each one
_EDGES = [
    0x00,
    0x1B,
    0x9B,
    0x08,
    0x09,
    0x0A,
    0x0B,
    0x1F,
    0x20,
    0x7E,
    0x7F,
    0x9F,
    0xA0,
    0x200A,
    0x200B,
    0x200F,
    0x2010,
]
_EDGES += [0x2029, 0x202A, 0x202E, 0x202F, 0x2065, 0x2066, 0x2069, 0x206A, 0xFEFE, 0xFEFF, 0xFF00]
_CHARACTERS = st.one_of(
    st.sampled_from([chr(point) for point in _EDGES]),
    st.characters(min_codepoint=0x200B, max_codepoint=0x200F),
    st.characters(min_codepoint=0x202A, max_codepoint=0x202E),
    st.characters(min_codepoint=0x2066, max_codepoint=0x2069),
    st.characters(max_codepoint=0x9F),
    st.characters(),
)


@given(_CHARACTERS)
def test_the_dashboard_and_explain_neutralise_the_same_characters(character):
    from tui.explain import printable

    dropped = clean(f"1{character}1") == "11"  # digits end no escape sequence: only `character` can go
    escaped = printable(character) != character
    if (
        character in "\t\n"
    ):  # layout, not a hazard: a tab is spaces, a newline a line (or a space) on both sides
        assert not escaped and not dropped
    else:
        assert dropped == escaped, (
            f"U+{ord(character):04X}: dashboard drops {dropped}, explain escapes {escaped}"
        )


def test_zero_width_marks_and_the_byte_order_mark_are_dropped_by_the_dashboard_and_shown_by_explain():
    from tui.explain import printable

    disguised = "pass\u200bword\u200c\u200d\u200e\u200f\ufeff"
    assert clean(disguised) == "password"
    assert printable(disguised) == "pass\\u200bword\\u200c\\u200d\\u200e\\u200f\\ufeff"
