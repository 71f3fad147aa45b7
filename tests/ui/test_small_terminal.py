"""The dashboard at 80×24 and at 200 columns: what an operator on a laptop or a wide screen sees."""

from __future__ import annotations

from tests.ui.test_dashboard import WE, open_detail, synced
from tests.waiting import eventually_async
from tui.screens.detail import DetailScreen

SMALL = (80, 24)
WIDE = (200, 50)


def table_lines(table) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_at_80_by_24_the_controllers_table_shows_every_layer_count(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SMALL) as pilot:
        table = await synced(app, pilot)
        header, *lines = table_lines(table)
        assert "LAYERS" in header
        shown = table.visible_keys()[: len(lines)]
        for key, line in zip(shown, lines, strict=False):
            assert line.rstrip().endswith(table.row(key).summary), line
        long_name = lines[
            shown.index(("Deployment", "kubernaut-system", "remediationorchestrator-controller"))
        ]
        assert "remediatio…ontroller" in long_name


async def test_at_80_by_24_the_settings_show_their_layer_and_the_evidence_scrolls(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_detail(app, pilot, ("StatefulSet", "kubernaut-system", "datastorage"))
        settings = screen.query_one("#settings")
        await pilot.pause()
        assert [c.key.value for c in settings.ordered_columns][:2] == ["setting", "layer"]
        used = sum(column.get_render_width(settings) for column in settings.ordered_columns)
        assert used <= settings.scrollable_content_region.width  # nothing off to the right
        panel = screen.query_one("#setting-panel")
        await pilot.press("tab")
        assert app.focused is panel
        assert panel.max_scroll_y > 0  # the plan is longer than the panel
        await pilot.press("j", "j", "j")
        assert panel.scroll_y == 3
        await pilot.press("G")
        assert panel.scroll_y == panel.max_scroll_y
        await pilot.press("g")
        assert panel.scroll_y == 0
        await pilot.press("shift+tab", "j")  # back in the settings: j moves to the next setting
        assert app.focused is settings and settings.cursor_row == 1
        assert "Why this layer" in str(panel.content)


async def test_at_200_columns_no_column_is_cut_while_another_has_room(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=WIDE) as pilot:
        table = await synced(app, pilot)
        await eventually_async(
            pilot, lambda: all(r.summary != "…" for r in app.rows.values()), message="summaries"
        )
        assert not any("…" in line for line in table_lines(table))
        screen = await open_detail(app, pilot, ("StatefulSet", "kubernaut-system", "datastorage"))
        settings = screen.query_one("#settings")
        await pilot.pause()
        natural, widths = settings.natural_widths, settings.column_widths
        assert all(widths[key] for key in natural)  # every column is shown
        cut = [key for key in natural if widths[key] < natural[key]]
        room = settings.size.width  # 11 settings in 40 lines: no scrollbar
        used = sum(widths.values()) + 2 * settings.cell_padding * len(widths)
        if cut:
            assert used == room, (cut, widths, natural)  # what is cut had every cell there was
        assert set(cut) <= {"value", "where", "links"}
        assert isinstance(app.screen, DetailScreen)


async def test_after_refiltering_enter_opens_the_highlighted_row(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SMALL) as pilot:
        table = await synced(app, pilot)
        await pilot.press("slash", *"controller", "enter", "j", "j")
        assert table.cursor_key[2] == "remediationorchestrator-controller"
        await pilot.press("slash", *"workflow")  # the box selects its text on focus: this replaces it
        assert app.screen.query_one("#filter").value == "workflow"
        assert [k[2] for k in table.visible_keys()] == [
            "workflowexecution-controller",
            "workflowexecution-legacy",
        ]
        assert table.cursor_key == WE  # the first match, the one highlighted
        await pilot.press("enter", "enter")
        await eventually_async(pilot, lambda: isinstance(app.screen, DetailScreen), message="the detail")
        assert app.screen.workload_key == WE


async def test_a_filter_with_no_match_says_so(kubernaut, make_app):
    app = make_app(kubernaut)
    async with app.run_test(size=SMALL) as pilot:
        table = await synced(app, pilot)
        await pilot.press("slash", *"xyz")
        await pilot.pause()
        assert table.row_count == 0
        assert table.render_line(1).text.strip() == "no controller matches 'xyz'"
        assert "(0 of 11)" in str(table.border_title)
