"""The page of ``restore serve`` (issue 30 item 3) in a real browser: headless Chromium from
Debian (``apt-get install chromium chromium-driver``) driven by Selenium. Paste or open a
text, restore it, see each edit highlighted with its confidence on hover, reject one, copy
the result. Screenshots go to a temporary folder (or $RESTORE_SCREENSHOTS, to keep them).

Skipped, with the reason, where Chromium, its driver or Selenium is missing; .ci/run
installs Chromium when it runs as root with apt-get."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip(
        "needs Chromium and its driver (Debian: apt-get install chromium chromium-driver)", allow_module_level=True
    )
pytest.importorskip("selenium", reason="needs selenium (pip install selenium)")
pytest.importorskip("fastapi", reason='needs FastAPI (pip install "restore[serve]")')
uvicorn = pytest.importorskip("uvicorn", reason='needs uvicorn (pip install "restore[serve]")')

from helpers import SWAPS, swap_restorer  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from restore.serve import create_app  # noqa: E402

# the SwapEngine's swaps (Home -> House, stated -> said, ...): every edit is known. The emoji
# before them checks that the page counts offsets in code points, as the service does
TEXT = (
    "😀 Mr. Smith stated the Home handed the invoice on Monday.\n\n"
    "Officers stated the scheme was fine, and the rest is unchanged."
)
RESTORED = (
    "😀 Mr. Smith said the House passed the bill on Monday.\n\n"
    "Officials said the plan was fine, and the rest is unchanged."
)
N_EDITS = 5  # adjacent swaps are one edit: 'Home handed' -> 'House passed'


@pytest.fixture(scope="module")
def base_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # "possibly" is deleted: the page shows it struck through
    app = create_app(swap_restorer({**SWAPS, "could possibly be": "could be"}, probs={"said": 0.81}), max_chars=500)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1000,820",
        "--force-device-scale-factor=1",
    ):
        opts.add_argument(arg)
    # the driver is named: Selenium Manager does not look for (or download) one
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("RESTORE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def restore_on_page(driver, base_url, text):
    driver.get(base_url)
    box = driver.find_element(By.ID, "input")
    # ChromeDriver types only characters of the Basic Multilingual Plane: the emoji is pasted
    driver.execute_script("arguments[0].value = arguments[1];", box, text)
    driver.find_element(By.ID, "restore").click()
    WebDriverWait(driver, 20).until(EC.visibility_of_element_located((By.ID, "result")))
    return driver.find_elements(By.CSS_SELECTOR, "#result .edit")


def test_restore_highlight_toggle_and_copy(browser, base_url, shots):
    edits = restore_on_page(browser, base_url, TEXT)
    assert len(edits) == N_EDITS
    assert all("accepted" in e.get_attribute("class") for e in edits)
    assert browser.find_element(By.ID, "result").text == RESTORED
    titles = [e.get_attribute("title") for e in edits]
    assert titles[0].startswith('"stated" → "said", confidence 0.81') and all("confidence" in t for t in titles)
    assert titles[1].startswith('"Home handed" → "House passed", confidence 0.95')
    score = browser.find_element(By.ID, "score").text
    assert score.startswith("0.") and "look spun" in score
    browser.save_screenshot(str(shots / "page-restored.png"))

    edits[1].click()  # reject Home handed -> House passed: the original words are shown, and copied
    assert "rejected" in edits[1].get_attribute("class") and edits[1].text == "Home handed"
    assert "click to accept" in edits[1].get_attribute("title")
    assert "4 of 5 changes applied" in browser.find_element(By.ID, "counts").text
    browser.save_screenshot(str(shots / "page-one-rejected.png"))

    # the copied text: read back from the clipboard where the browser lets us
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": base_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    browser.find_element(By.ID, "copy").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.ID, "copied"), "Copied"))
    expected = RESTORED.replace("House passed", "Home handed")
    assert browser.execute_script("return resultText();") == expected
    clipboard = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, (e) => done('unreadable: ' + e));"
    )
    if not clipboard.startswith("unreadable: "):
        assert clipboard == expected
    assert f"Copied {len(expected)} characters" in browser.find_element(By.ID, "copied").text

    # keyboard: Enter on a focused edit toggles it too; reject all, accept all
    edits[1].send_keys("\n")
    assert "accepted" in edits[1].get_attribute("class")
    browser.find_element(By.ID, "reject-all").click()
    assert browser.execute_script("return resultText();") == TEXT
    browser.find_element(By.ID, "accept-all").click()
    assert browser.execute_script("return resultText();") == RESTORED


def test_open_a_file(browser, base_url, tmp_path, shots):
    browser.get(base_url)
    f = tmp_path / "story.txt"
    f.write_text("The Home handed the invoice.\n", encoding="utf-8")
    browser.find_element(By.ID, "file").send_keys(str(f))
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "input").get_attribute("value"))
    assert browser.find_element(By.ID, "input").get_attribute("value") == "The Home handed the invoice.\n"
    browser.find_element(By.ID, "restore").click()
    WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.ID, "result")))
    assert browser.find_element(By.ID, "result").text == "The House passed the bill."
    assert len(browser.find_elements(By.CSS_SELECTOR, "#result .edit")) == 2


def test_a_deletion_is_shown_struck_through(browser, base_url):
    text = "The Home could possibly be handed the invoice on Monday."
    edits = restore_on_page(browser, base_url, text)
    deleted = [e for e in edits if "deletion" in e.get_attribute("class")]
    assert len(edits) == 4 and len(deleted) == 1 and deleted[0].text.strip() == "possibly"
    assert "line-through" in deleted[0].value_of_css_property("text-decoration")
    assert deleted[0].get_attribute("title").startswith('"possibly " → "(deleted)"')
    assert browser.execute_script("return resultText();") == "The House could be passed the bill on Monday."
    deleted[0].click()  # rejected: the word stays, shown plainly
    assert "deletion" not in deleted[0].get_attribute("class") and "rejected" in deleted[0].get_attribute("class")
    assert browser.execute_script("return resultText();") == "The House could possibly be passed the bill on Monday."


def test_errors_are_shown(browser, base_url, shots):
    browser.get(base_url)
    browser.find_element(By.ID, "restore").click()
    status = browser.find_element(By.ID, "status")
    assert "Nothing to restore" in status.text and status.get_attribute("class") == "error"
    browser.find_element(By.ID, "input").send_keys("The Home handed it. " * 30)  # 600 characters, limit 500
    browser.find_element(By.ID, "restore").click()
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.ID, "status"), "Could not restore"))
    assert "limit is 500" in status.text
    browser.save_screenshot(str(shots / "page-error.png"))
