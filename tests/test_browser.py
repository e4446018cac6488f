"""The dashboard in a real browser: a uvicorn server in a thread, Debian's chromium driven by
Playwright, one screenshot per page under ``test-artifacts/screenshots/``.

Skips, saying why, when ``/usr/bin/chromium`` is missing or cannot be launched.  Each page must
render its plotly charts and tables, log no error (a Content-Security-Policy violation would
be one) and request nothing from any other host (no CDN).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_api import fill_store, live_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = fill_store(tmp_path_factory.mktemp("browser") / "dashboard.duckdb")
    with live_server(db, token=None) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as e:
            pytest.skip(f"playwright cannot launch {CHROMIUM}: {str(e).splitlines()[0]}")
        yield chromium
        chromium.close()


class Visit:
    """One page load, recording console errors and requests to other hosts."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.route("**/*", self._route)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.base_url):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
        return self.page

    def finish(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        self.page.close()
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign


def _rows(page: Any, selector: str) -> int:
    count: int = page.locator(f"{selector} tbody tr").count()
    return count


def test_browser_overview(browser: Any, base_url: str) -> None:
    visit = Visit(browser, base_url)
    page = visit.open("/")
    page.wait_for_selector("#graph.js-plotly-plot .main-svg")
    # Two edges (CHN-JPN, RUS-USA): two line traces, the edge midpoints and the actors.
    assert page.locator("#graph .scatterlayer .trace").count() == 4
    assert page.locator("#graph .textpoint").count() == 4  # CHN JPN RUS USA labels
    assert _rows(page, "#latest") == 11
    assert _rows(page, "#cooling") == 1  # CHN-JPN went from ordinary to discord in May
    visit.finish("overview")


def test_browser_overview_links_to_dyad(browser: Any, base_url: str) -> None:
    visit = Visit(browser, base_url)
    page = visit.open("/")
    page.click("#cooling a")
    page.wait_for_url("**/dyads/CHN/JPN")
    page.wait_for_selector("#index.js-plotly-plot .main-svg")
    visit.page.close()
    assert visit.errors == [] and visit.foreign == []


def test_browser_dyad(browser: Any, base_url: str) -> None:
    visit = Visit(browser, base_url)
    page = visit.open("/dyads/CHN/JPN")
    page.wait_for_selector("#index.js-plotly-plot .main-svg")
    page.wait_for_selector("#quads.js-plotly-plot .main-svg")
    assert page.locator("#index .shapelayer path").count() == 6  # the six bands
    assert page.locator("#quads .barlayer .trace").count() == 4  # one per quad class
    assert _rows(page, "#events") == 9
    assert page.locator("#events mark.trigger").count() == 9
    assert _rows(page, "#directions") == 2
    visit.finish("dyad")


def test_browser_article(browser: Any, base_url: str) -> None:
    visit = Visit(browser, base_url)
    page = visit.open("/articles/a1")
    assert page.locator("#article-text mark.trigger").all_inner_texts() == ["held", "accused"]
    assert page.locator("#article-text mark.actor").count() == 4
    assert _rows(page, "#events") == 3
    visit.finish("article")


def test_browser_search(browser: Any, base_url: str) -> None:
    visit = Visit(browser, base_url)
    page = visit.open("/")
    page.fill(".quick-search input", "japan")
    page.press(".quick-search input", "Enter")
    page.wait_for_url("**/search?q=japan")
    assert _rows(page, "#results") == 9
    assert page.locator("#results mark.match").count() >= 1
    visit.finish("search")


def test_browser_not_found_page(browser: Any, base_url: str) -> None:
    visit = Visit(browser, base_url)
    response = visit.page.goto(base_url + "/articles/nope")
    assert response is not None and response.status == 404
    assert "no article with id 'nope'" in visit.page.inner_text("main")
    visit.errors = [e for e in visit.errors if "404" not in e]  # the browser logs the status
    visit.finish("not-found")
