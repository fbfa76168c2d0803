"""A real browser for the UI tests: Debian's Chromium driven by Selenium.

Only the packaged ``chromium`` and ``chromium-driver`` are used, through explicit
paths, so Selenium Manager never runs (it would try to download a browser or a
driver). Missing pieces skip the tests, or fail them under ``REQUIRE_ORTHANC=1``
like the rest of the integration suite.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
WINDOW = (1400, 1100)


def screenshot_dir() -> Path:
    """``$ARTIFACTS/screenshots`` (``artifacts/`` of the repository by default)."""
    base = Path(os.environ.get("ARTIFACTS", "artifacts"))
    if not base.is_absolute():
        base = REPO / base
    folder = base / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def require_browser() -> None:
    """Skip (or fail under ``REQUIRE_ORTHANC=1``) without Chromium, its driver or
    Selenium."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt package chromium)")
    if not os.access(CHROMEDRIVER, os.X_OK):
        missing.append(f"{CHROMEDRIVER} (apt package chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip extra 'test')")
    if not missing:
        return
    reason = "browser tests need " + ", ".join(missing) + " (make deps venv)"
    if os.environ.get("REQUIRE_ORTHANC") == "1":
        pytest.fail(f"REQUIRE_ORTHANC=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def make_driver() -> Any:
    """Headless Chromium with the browser console log kept (``get_log``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-extensions",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(120)
    return driver


def driver_fixture() -> Iterator[Any]:
    """Body of a ``driver`` fixture: one browser, quit at the end."""
    require_browser()
    driver = make_driver()
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(
    driver: Any,
    condition: Callable[[Any], Any],
    timeout: float = 60,
    message: str = "",
    poll: float = 0.25,
) -> Any:
    """``condition(driver)`` until it is truthy; returns its value.

    On timeout the assertion names ``message`` and the browser's recent console
    errors (the usual cause of a page that never gets there).
    """
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition(driver)
        except (NoSuchElementException, StaleElementReferenceException):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            errors = console_errors(driver)
            raise AssertionError(
                f"timed out after {timeout:.0f} s: {message or condition}"
                + (f"\nbrowser console errors: {errors}" if errors else "")
            )
        time.sleep(poll)


def by_id(driver: Any, element_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def visible(driver: Any, element_id: str) -> Any:
    """The element if it exists and is displayed, else ``None`` (for ``wait_for``)."""
    found = css(driver, f"#{element_id}")
    return found[0] if found and found[0].is_displayed() else None


def screenshot(driver: Any, name: str, show: str | None = None) -> Path:
    """Save the page as ``screenshots/<name>.png``; returns the path.

    ``show``: CSS selector of an element scrolled to the middle of the view first.
    """
    if show:
        driver.execute_script(
            "const e = document.querySelector(arguments[0]);"
            "if (e) e.scrollIntoView({block: 'center'});",
            show,
        )
        time.sleep(0.3)
    path = screenshot_dir() / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


_UNCAUGHT = re.compile(r"Uncaught|SyntaxError|ReferenceError|TypeError")


OUR_SCRIPTS = ("/plugins/explorer.js", "/redaction/ui/")


def console_errors(driver: Any, only: tuple[str, ...] = ()) -> list[str]:
    """JavaScript errors logged since the last call (failed resource loads left out);
    with ``only``, those whose message names one of these URL parts."""
    try:
        entries = driver.get_log("browser")
    except Exception:  # noqa: BLE001 - a log is a help, not a requirement
        return []
    found = [
        e["message"]
        for e in entries
        if e.get("level") == "SEVERE" and _UNCAUGHT.search(e.get("message", ""))
    ]
    if only:
        found = [m for m in found if any(part in m for part in only)]
    return found


def drag(
    driver: Any,
    element: Any,
    start: tuple[float, float],
    end: tuple[float, float],
    steps: int = 6,
) -> None:
    """Press the left button at ``start``, move to ``end`` in steps, release.

    Points are in CSS pixels from the element's top left corner (Selenium's offsets
    are from its centre).
    """
    from selenium.webdriver.common.action_chains import ActionChains

    rect = element.rect
    cx, cy = rect["width"] / 2, rect["height"] / 2
    x0, y0 = start[0] - cx, start[1] - cy
    actions = ActionChains(driver, duration=50)
    actions.move_to_element_with_offset(element, round(x0), round(y0))
    actions.click_and_hold()
    dx = (end[0] - start[0]) / steps
    dy = (end[1] - start[1]) / steps
    done_x = done_y = 0
    for i in range(1, steps + 1):
        step_x = round(dx * i) - done_x
        step_y = round(dy * i) - done_y
        done_x += step_x
        done_y += step_y
        actions.move_by_offset(step_x, step_y)
    actions.release()
    actions.perform()
