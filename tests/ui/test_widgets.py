"""The table and the streams on their own: big batches, cursor moves, pause and resume, unsafe text."""

from dataclasses import replace
from datetime import timedelta

from textual.app import App, ComposeResult

from tests.ui.rows import NOW, WE, every_event_outcome, row
from tui.model.events import KubeEvent
from tui.themes import PROJECT_THEMES_DIR, load_themes
from tui.widgets.event_log import EventLog
from tui.widgets.workload_table import WorkloadTable


class Bench(App):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_mount(self) -> None:
        for theme in load_themes([PROJECT_THEMES_DIR])[0].values():
            self.register_theme(theme)
        self.theme = "kubeknobs-dark"
        self.widget.focus()


async def test_ten_thousand_rows_apply_as_one_batch_and_the_cursor_moves_at_once():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(140, 40)) as pilot:
        table.apply([row(i) for i in range(10_000)])
        await pilot.pause()
        assert table.row_count == 10_000
        first = table.cursor_key
        await pilot.press("j", "j", "k")
        assert table.cursor == 1 and table.cursor_key != first
        await pilot.press("G")
        assert table.cursor == 9_999
        assert table.scroll_y > 9_000  # the cursor row is scrolled into view


async def test_updates_in_place_keep_the_cursor_on_the_same_controller():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(140, 40)) as pilot:
        table.apply([row(i) for i in range(50)])
        await pilot.press("j", "j", "j")
        key = table.cursor_key
        table.apply(
            [row(int(key[2].split("-")[1]), namespace=key[1], ready=0, desired=1)],
            deletes=[table.visible_keys()[0]],
        )
        await pilot.pause()
        assert table.cursor_key == key
        assert table.row(key).ready == 0
        assert table.total_count == 49


async def test_a_status_only_batch_keeps_the_order_and_a_sort_key_change_reorders():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(140, 40)) as pilot:
        table.apply([row(i) for i in range(200)])
        table.sort_by("ready")
        await pilot.pause()
        order = table.visible_keys()
        table.apply([row(i, namespace=k[1]) for i, k in ((int(k[2].split("-")[1]), k) for k in order[:50])])
        assert table.visible_keys() == order  # same sort keys: no re-sort, same rows
        last = order[-1]
        table.apply([row(int(last[2].split("-")[1]), namespace=last[1], ready=0, desired=3)])
        assert table.visible_keys()[0] == last  # 3 short of ready: now first by readiness
        assert table.row(last).desired == 3
        table.set_filter("drifted")
        assert table.visible_keys() == []
        hot = replace(table.row(order[7]), summary="1 hot · 3 restart · drifted")
        table.apply([hot])  # same key and sort key, but it now matches the filter
        assert table.visible_keys() == [order[7]]


async def test_replacing_every_row_with_none_empties_the_table():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(140, 40)) as pilot:
        table.apply([row(i) for i in range(30)])
        await pilot.pause()
        table.replace([])  # a namespace or context switch starts from nothing
        await pilot.pause()
        assert table.row_count == 0 and table.visible_keys() == [] and table.cursor_key is None
        table.replace([row(1)])
        await pilot.pause()
        assert table.visible_keys() == [row(1).key]


async def test_filter_and_sort():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(140, 40)) as pilot:
        table.apply([row(i) for i in range(100)])
        table.set_filter("team-03 service-0001")
        assert {k[1] for k in table.visible_keys()} == {"team-03"}
        assert all("service-0001" in k[2] for k in table.visible_keys())
        table.set_filter("")
        await pilot.press("s", "s")  # namespace -> kind -> name
        assert table.sort_column == "name"
        assert table.visible_keys()[0][2] == "service-00000"
        await pilot.press("S")
        assert table.visible_keys()[0][2] == "service-00099"


async def test_a_burst_of_a_thousand_events_is_one_repaint():
    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:
        burst = [
            KubeEvent(
                namespace="ns", workload=WE, type="Normal", reason="Pulled", message=f"n{i}", involved="Pod/x"
            )
            for i in range(1000)
        ]
        before = log.repaints
        log.add_events(burst)
        await pilot.pause()
        assert log.repaints == before + 1
        assert log.item_count == 1000


async def test_pause_holds_events_and_resume_shows_them():
    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:
        events = every_event_outcome()
        log.add_events(events[:2])
        await pilot.press("p")
        log.add_events(events[2:])
        assert log.item_count == 2
        assert "paused" in str(log.border_subtitle) and "10 waiting" in str(log.border_subtitle)
        await pilot.press("p")
        assert log.item_count == len(events)


async def test_event_text_from_the_cluster_is_not_markup_or_escapes():
    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:
        log.add_events(
            [
                KubeEvent(
                    namespace="ns",
                    workload=WE,
                    type="Warning",
                    reason="[b]Bad[/b]",
                    message="\x1b[2Jcleared? [link=x]no[/link]",
                    involved="Pod/p",
                )
            ]
        )
        await pilot.pause()
        line = log.lines()[0]
        assert "[b]Bad[/b]" in line and "[link=x]no[/link]" in line and "\x1b" not in line


async def test_events_for_one_controller_only():
    log = EventLog(workload=("Deployment", "other", "x"))
    async with Bench(log).run_test(size=(140, 40)):
        log.add_events(every_event_outcome())
        assert log.item_count == 0


async def test_a_repeated_kubernetes_event_counts_up_on_one_line():
    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:

        def backoff(count):
            return KubeEvent(
                namespace="ns",
                workload=WE,
                type="Warning",
                reason="BackOff",
                involved="Pod/p",
                message="Back-off restarting failed container",
                count=count,
                time=NOW + timedelta(minutes=count),
            )

        log.add_events([backoff(1), backoff(2)])
        log.add_events([backoff(3)])
        await pilot.pause()
        assert log.item_count == 1
        assert log.lines()[0].endswith("(x3)")
        between = replace(every_event_outcome()[0], time=NOW + timedelta(minutes=3, seconds=30))
        log.add_events([between, backoff(4)])  # another event in between: the repeat starts a new line
        assert log.item_count == 3


async def test_a_batch_of_events_is_shown_in_time_order():
    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:
        events = every_event_outcome()
        log.add_events(list(reversed(events)))
        await pilot.pause()
        assert [item.time for item in log.items] == sorted(e.time for e in events)


async def test_a_superseded_version_is_shown_as_skipped():
    from tui.model.events import ReloadSuperseded

    log = EventLog()
    async with Bench(log).run_test(size=(140, 40)) as pilot:
        log.add_events(
            [
                ReloadSuperseded(
                    namespace="ns",
                    workload=WE,
                    time=NOW,
                    pod="p",
                    configmap="cm",
                    key="config.yaml",
                    since=NOW,
                    hash="9f2c1e0b7a44",
                    version="7",
                    by_version="8",
                )
            ]
        )
        await pilot.pause()
        line = log.lines()[0]
        assert "SKIPPED" in line and "superseded by v8" in line


def diff_of(old: str, new: str):
    """The review diff of `old` → `new` as the operator reads it: its lines and where the markers are."""
    from textual.app import App

    from tui.widgets.diff import diff_text
    from tui.widgets.theme_styles import style

    app = App()
    text = diff_text(app, old, new)
    body = text.plain.index("\n", text.plain.index("@@"))
    marked = "".join(
        text.plain[s.start : s.end] for s in text.spans if s.start > body and s.style == style(app, "warning")
    )
    return text.plain.split("\n")[2:], marked


def test_trailing_spaces_in_the_diff_show_as_dots_in_the_warning_colour():
    lines, marked = diff_of("level: INFO\nmode: a\n", "level: INFO  \nmode: a\n")
    assert lines == ["@@ -1,2 +1,2 @@", "-level: INFO", "+level: INFO··", " mode: a"]
    assert marked == "··"


def test_tabs_in_the_diff_show_as_arrows():
    lines, marked = diff_of("a:\n  b: 1\n", "a:\n\tb: 1\t\n")
    assert lines[-2:] == ["-  b: 1", "+→   b: 1→"]
    assert marked == "→→"


def test_a_missing_final_newline_is_said_after_the_line_as_diff_does():
    from tui.widgets.diff import unified_lines

    lines, _ = diff_of("a: 1\nb: 2\n", "a: 1\nb: 2")
    assert lines == ["@@ -1,2 +1,2 @@", " a: 1", "-b: 2", "+b: 2", "\\ No newline at end of file"]
    lines, _ = diff_of("a: 1", "a: 2\n")
    assert lines == ["@@ -1 +1 @@", "-a: 1", "\\ No newline at end of file", "+a: 2"]
    assert unified_lines("x", "x\n")[2:] == ["@@ -1 +1 @@", "-x", "\\ No newline at end of file", "+x"]


def test_a_change_of_whitespace_alone_never_shows_as_two_identical_lines():
    for old, new in (
        ("a: 1\n", "a: 1 \n"),
        ("a: 1\n", "a: 1\t\n"),
        ("a:\n  b: 1\n", "a:\n\tb: 1\n"),
        ("a: 1\n", "a: 1\r\n"),
        ("a: 1\n", "a: 1"),
    ):
        lines, _ = diff_of(old, new)
        removed = [line[1:] for line in lines if line.startswith("-")]
        added = [line[1:] for line in lines if line.startswith("+")]
        assert removed and added and removed != added or "\\ No newline at end of file" in lines, (old, new)


def demo_like(name: str, namespace: str, summary: str, kind: str = "Deployment", configmaps=("config",)):
    base = row(0)
    return replace(
        base,
        key=(kind, namespace, name),
        kind=kind,
        namespace=namespace,
        name=name,
        configmaps=tuple(configmaps),
        summary=summary,
    )


WIDE_ROWS = [
    demo_like("coredns", "kube-system", "1 hot · 1 restart", configmaps=("coredns",)),
    demo_like(
        "remediationorchestrator-controller",
        "kubernaut-system",
        "7 hot · 2 restart",
        configmaps=("remediationorchestrator-config",),
    ),
    demo_like(
        "datastorage",
        "kubernaut-system",
        "2 hot · 7 restart · 2 immutable",
        kind="StatefulSet",
        configmaps=("datastorage-config", "datastorage-schema-v7", "datastorage-env"),
    ),
    demo_like("workflowexecution-legacy", "kubernaut-system", "3 restart", configmaps=()),
    demo_like("log-shipper", "kubernaut-system", "1 file · 1 restart", kind="DaemonSet"),
]


def table_lines(table: WorkloadTable) -> list[str]:
    return [table.render_line(y).text for y in range(1 + table.row_count)]


async def test_at_80_columns_layers_stay_whole_and_names_are_cut_in_the_middle():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(80, 12)) as pilot:
        table.apply(WIDE_ROWS)
        await pilot.pause()
        header, *lines = table_lines(table)
        assert "LAYERS" in header and "READY" in header
        for key, line in zip(table.visible_keys(), lines, strict=True):
            assert line.rstrip().endswith(table.row(key).summary)  # every count, uncut
        long_name = lines[table.visible_keys().index(WIDE_ROWS[1].key)]
        assert "remediatio…ontroller" in long_name  # both ends of the name stay
        assert all(len(line) == 80 for line in lines)


async def test_at_200_columns_nothing_is_cut():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(200, 12)) as pilot:
        table.apply(WIDE_ROWS)
        await pilot.pause()
        header, *lines = table_lines(table)
        assert "CONFIGMAPS" in header and "AGE" in header
        assert not any("…" in line for line in lines)
        for key, line in zip(table.visible_keys(), lines, strict=True):
            found = table.row(key)
            assert found.name in line and ",".join(found.configmaps or ("-",)) in line


async def test_the_layers_column_sorts_by_the_settings_that_need_a_restart():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(140, 12)) as pilot:
        table.apply([*WIDE_ROWS, replace(WIDE_ROWS[0], key=("Deployment", "x", "unread"), summary="…")])
        for _ in range(5):  # namespace -> kind -> name -> ready -> age -> layers
            await pilot.press("s")
        assert table.sort_column == "summary"
        assert "LAYERS↑" in table.render_line(0).text
        names = [k[2] for k in table.visible_keys()]
        assert names == [
            "datastorage",  # 7 restart
            "workflowexecution-legacy",  # 3 restart
            "remediationorchestrator-controller",  # 2 restart
            "log-shipper",  # 1 restart, 1 file
            "coredns",  # 1 restart, 1 hot
            "unread",  # not classified yet: last
        ]
        await pilot.press("s")
        assert table.sort_column == "namespace"


async def test_a_filter_with_no_match_says_so():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(80, 12)) as pilot:
        table.apply(WIDE_ROWS)
        table.set_filter("xyz")
        await pilot.pause()
        assert table.row_count == 0
        assert table.render_line(1).text.strip() == "no controller matches 'xyz'"
        table.replace([])  # no rows at all is not a filter that matched nothing
        await pilot.pause()
        assert table.render_line(1).text.strip() == ""


async def test_a_narrower_filter_highlights_its_first_match_when_the_cursor_row_is_gone():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(80, 12)) as pilot:
        table.apply(WIDE_ROWS)
        table.set_filter("kubernaut")
        await pilot.press("j", "j")
        stays = table.cursor_key
        assert stays[2] == "workflowexecution-legacy"
        table.set_filter("kubernaut-system")  # the row under the cursor still matches: it stays
        assert table.cursor_key == stays
        table.set_filter("kubernaut config")  # the legacy controller has no ConfigMap: gone
        assert [k[2] for k in table.visible_keys()] == [
            "log-shipper",
            "remediationorchestrator-controller",
            "datastorage",
        ]
        assert table.cursor == 0 and table.cursor_key == table.visible_keys()[0]
        highlighted = table.render_line(1)
        cursor_style = table.get_component_rich_style("workload-table--cursor")
        assert any(segment.style and segment.style.bgcolor == cursor_style.bgcolor for segment in highlighted)


async def test_a_narrow_table_keeps_the_column_it_is_sorted_by():
    table = WorkloadTable()
    async with Bench(table).run_test(size=(80, 12)) as pilot:
        table.apply(WIDE_ROWS)
        await pilot.pause()
        assert "AGE" not in table.render_line(0).text  # on 80 cells AGE gives way to LAYERS
        table.sort_by("age")
        await pilot.pause()
        header = table.render_line(0).text
        assert "AGE↑" in header and "LAYERS" in header
