"""Theme files are watched: an edited colour shows while the app runs; a bad file is named once."""

from tests.ui.harness import run_from_palette
from tests.waiting import eventually_async
from tui.app import KubeknobsApp

MINE = "name: mine\ndark: true\nprimary: '{primary}'\nbackground: '#101010'\n"


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_editing_a_theme_file_changes_the_colours_live(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(MINE.format(primary="#FF0000"))
    app = KubeknobsApp(connect=False, themes_dir=tmp_path, theme="mine", watch_themes=True)
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.theme == "mine"
        assert app.current_theme.primary == "#FF0000"
        path.write_text(MINE.format(primary="#00FF00"))
        await eventually_async(
            pilot,
            lambda: app.current_theme.primary == "#00FF00",
            timeout=15,
            message="the edited primary colour",
        )
        assert app.theme == "mine"
        assert app.theme_variables["primary"].upper().startswith(("#00FF00", "#00FE00"))
    assert not app.themes.watching  # stopped with the app


async def test_a_bad_theme_file_is_named_and_the_app_falls_back(tmp_path):
    (tmp_path / "broken.yaml").write_text("name: broken\nprimary: not-a-colour\n")
    app = KubeknobsApp(connect=False, themes_dir=tmp_path, theme="broken", watch_themes=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "kubeknobs-dark"
        text = "\n".join(messages(app))
        assert "broken.yaml: primary: 'not-a-colour' is not a colour" in text
        assert "Unknown theme 'broken'" in text


async def test_theme_flag_and_palette_switch_themes(tmp_path):
    app = KubeknobsApp(connect=False, themes_dir=tmp_path, theme="kubeknobs-light", watch_themes=False)
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.theme == "kubeknobs-light"
        await run_from_palette(pilot, "Theme: kubeknobs-dark")
        await eventually_async(pilot, lambda: app.theme == "kubeknobs-dark", timeout=5)
        assert app.status_info.theme == "kubeknobs-dark"
