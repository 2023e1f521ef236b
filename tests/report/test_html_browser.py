"""The HTML report in a real headless Chromium, opened from disk (file://)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from html_sample import sample_audit

from testvet import trend
from testvet.harness import eventually
from testvet.history import RunSummary, load, record
from testvet.report import html

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Screenshots land here (gitignored) for people and CI to look at; the self-audit puts
#: them in its output directory (a suite that writes into its tree runs its mutants one
#: at a time).
ARTIFACTS = Path(
    os.environ.get("TESTVET_TEST_ARTIFACTS")
    or Path(__file__).resolve().parents[2] / "test-artifacts"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one worker, one Chromium for the whole module
    pytest.mark.skipif(
        not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
        reason="needs /usr/bin/chromium and /usr/bin/chromedriver "
        "(Debian packages chromium, chromium-driver; `make test` installs them)",
    ),
]


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="testvet-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # An explicit driver path: Selenium Manager never downloads anything.
        browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            browser.set_window_size(1280, 900)
            yield browser
        finally:
            browser.quit()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("html-report")
    page = base / "out" / "report.html"
    page.parent.mkdir()
    page.write_text(html.render(sample_audit(base / "project")), encoding="utf-8")
    return page.as_uri()


@pytest.fixture
def opened(driver: Any, report_url: str) -> Any:
    driver.set_window_size(1280, 900)
    driver.get(report_url)
    driver.get_log("browser")  # start each test with an empty console log
    return driver


def _severe(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _visible(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [
        el.get_attribute("id")
        for el in driver.find_elements(By.CSS_SELECTOR, "article.finding")
        if el.is_displayed()
    ]


def _click_filter(driver: Any, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()


def test_page_loads_from_disk_without_console_errors(driver: Any, report_url: str) -> None:
    assert report_url.startswith("file://")
    driver.get(report_url)
    assert driver.title == "testvet audit of shop: fail"
    assert _severe(driver) == []
    # The script ran: it counted the visible findings.
    assert driver.find_element("id", "visible-count").text == "6"
    assert len(_visible(driver)) == 6


def test_filters_change_which_findings_are_shown(opened: Any) -> None:
    _click_filter(opened, "category", "cannot-fail")
    assert _visible(opened) == ["f-2", "f-3", "f-4", "f-5", "f-6"]
    _click_filter(opened, "severity", "high")
    assert _visible(opened) == ["f-2", "f-4", "f-6"]  # medium, low, medium
    assert opened.find_element("id", "visible-count").text == "3"
    _click_filter(opened, "severity", "medium")
    _click_filter(opened, "severity", "low")
    assert _visible(opened) == []
    assert opened.find_element("id", "no-match").is_displayed()
    opened.find_element("css selector", 'button[type="reset"]').click()
    # The page re-filters just after the form's reset event (setTimeout 0): wait for it.
    eventually(lambda: len(_visible(opened)) == 6, timeout=5)
    assert _severe(opened) == []


def test_search_and_risk_map_tile_narrow_the_findings(opened: Any) -> None:
    search = opened.find_element("id", "finding-search")
    search.send_keys("wall clock")
    assert _visible(opened) == ["f-2"]
    search.clear()
    search.send_keys(" ")  # an input event with an empty query shows everything again
    assert len(_visible(opened)) == 6
    tile = opened.find_element("css selector", '.map-wide .tile[data-path="src/shop/store.py"]')
    opened.execute_script("arguments[0].dispatchEvent(new MouseEvent('click'))", tile)
    assert search.get_attribute("value") == "src/shop/store.py"
    assert _visible(opened) == ["f-5", "f-6"]


def test_copy_button_copies_the_recommended_test(opened: Any) -> None:
    buttons = opened.find_elements("css selector", "button.copy")
    assert [b.get_attribute("data-copy") for b in buttons] == ["f-5-test", "f-5-scenario"]
    button = buttons[1]
    opened.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    state = opened.execute_script(
        "return new Promise(r => { const b = arguments[0];"
        " const check = () => b.dataset.state ? r(b.dataset.state) : setTimeout(check, 20);"
        " check(); })",
        button,
    )
    assert state in ("copied", "selected")
    assert _severe(opened) == []


def test_screenshots_on_laptop_and_phone(opened: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, width in (("laptop", 1280), ("phone", 390)):
        opened.set_window_size(width, 900)
        overflow = opened.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
        height = opened.execute_script("return document.documentElement.scrollHeight")
        opened.set_window_size(width, min(height + 140, 8000))
        target = ARTIFACTS / f"html-report-{name}.png"
        assert opened.save_screenshot(str(target))
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wide = opened.find_element("css selector", ".map-wide")
    tall = opened.find_element("css selector", ".map-tall")
    assert (wide.is_displayed(), tall.is_displayed()) == (False, True)  # phone layout


def test_trend_chart_renders_in_the_browser(driver: Any, tmp_path: Path) -> None:
    for day, (findings, coverage) in enumerate([(9, 61.0), (7, 64.5), (7, None), (4, 72.0)]):
        record(
            RunSummary(
                started=datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(days=day),
                project="shop",
                root="/srv/shop",
                tool_version="0.4.0",
                verdict="fail" if findings > 5 else "pass",
                tests=30 + day,
                findings=findings,
                by_category={"cannot-fail": findings - 2, "missing-scenario": 2},
                coverage=coverage,
                mutation_score=None if coverage is None else coverage - 10,
                suite_duration=3.0 - day * 0.25,
            ),
            tmp_path,
        )
    page = tmp_path / "trend.html"
    page.write_text(trend.render_html(trend.select(load(tmp_path))), encoding="utf-8")
    driver.set_window_size(1280, 900)
    driver.get(page.as_uri())
    driver.get_log("browser")
    charts = driver.find_elements("css selector", "figure.chart svg")
    assert len(charts) == 4
    assert all(c.size["height"] > 100 for c in charts)  # drawn, not collapsed
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(height + 140, 8000))
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "trend.png"))
    assert _severe(driver) == []
