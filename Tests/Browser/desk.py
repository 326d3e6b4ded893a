"""The browser tests' harness: a demo case made with the `custody` binary, a running `custody desk`
on it, its JSON API with a token, and headless Chromium driven through chromedriver (Selenium).

Everything here goes through the real programs: the case is made by the CLI a lab uses, the desk
is the built binary listening on a loopback port, the browser is Debian's Chromium.
"""
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PASSWORD = "correct horse battery staple"
# The roster of the demo case: id, full name, role (sup-01 opens the case and is its supervisor).
SUPERVISOR = "sup-01"
EXAMINERS = [("clerk-01", "Lê Văn Mẫu", "clerk"), ("clerk-02", "Đỗ Thị Mẫu", "clerk"),
             ("tech-01", "Trần Thị Mẫu", "technician"), ("pros-01", "Phạm Văn Mẫu", "prosecutor")]
# Item text the desk must show escaped: each payload sets window.__xssRan if a browser ran it.
SCRIPT_PAYLOAD = "<script>window.__xssRan = 'script'</script>"
ATTRIBUTE_PAYLOAD = '"><img src=x onerror="window.__xssRan = \'img\'">'
# Where the demo case puts its items (SB-01, SHELF-1 and SHELF-2 are in ROOM-1; the rest nowhere).
PLACES = {"PH-01": "SHELF-1", "PH-02": "SHELF-1", "PH-03": "SHELF-2", "PC-01": "SHELF-2", "LOT-01": "SHELF-2",
          "SB-02": "SHELF-2", "XSS-1": "SHELF-2", "OLD-01": "SHELF-2", "SB-01": "ROOM-1"}


class HarnessError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Custody:
    """The `custody` binary run on one case (a folder or a PostgreSQL URL) with a clean environment."""

    def __init__(self, binary, case, station_key=None):
        self.binary = binary
        self.case = case
        self.station_key = station_key

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("CUSTODY_")}
        env["DESK_TEST_PASSWORD"] = PASSWORD
        return env

    def __call__(self, *args, examiner=None, check=True, case=True):
        command = [self.binary, *args]
        if case:
            command += ["--case", self.case]
            if self.station_key:
                command += ["--station-key", self.station_key]
        if examiner:
            command += ["--examiner", examiner]
        run = subprocess.run(command, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=120)
        if check and run.returncode != 0:
            raise HarnessError(f"custody {' '.join(args)} failed ({run.returncode}): {run.stderr.strip()}")
        return run

    def json(self, *args, examiner=None):
        return json.loads(self(*args, "--json", examiner=examiner).stdout)

    def token(self, examiner):
        """A fresh API token for `examiner` (`custody examiner token` prints it alone on its last line)."""
        return self("examiner", "token", examiner, examiner=SUPERVISOR).stdout.strip().splitlines()[-1]


def make_demo_case(custody, language="en"):
    """The demo seizure (Evidence/seizure/demo-catalog.csv) with a roster that has a password each,
    a room with two shelves, items placed on them, an item whose text is an XSS payload and one to
    dispose of. `custody` names the case folder or URL to create."""
    if custody.case.startswith("postgres"):
        target = ["--store", custody.case, "--station-key", custody.station_key]
    else:
        target = [custody.case]
    custody("case", "init", *target, "--name", "Desk browser test (simulated)", "--agency", "Digital forensics lab (simulated)",
            "--authority", "Order 001/TEST", "--language", language, "--examiner", SUPERVISOR,
            "--examiner-name", "Nguyễn Văn Mẫu", case=False)
    for examiner, name, role in EXAMINERS:
        custody("examiner", "add", examiner, "--name", name, "--role", role, examiner=SUPERVISOR)
    for examiner in [SUPERVISOR] + [e[0] for e in EXAMINERS]:
        custody("examiner", "password", examiner, "--password-env", "DESK_TEST_PASSWORD", examiner=SUPERVISOR)
    custody("device", "import", os.path.join(ROOT, "Evidence/seizure/demo-catalog.csv"), examiner="clerk-01")
    custody("device", "add", "ROOM-1", "--type", "location", "--note", "Evidence room 1", examiner="clerk-01")
    for shelf in ["SHELF-1", "SHELF-2"]:
        custody("device", "add", shelf, "--type", "location", "--parent", "ROOM-1", examiner="clerk-01")
    custody("device", "add", "XSS-1", "--type", "phone", "--model", SCRIPT_PAYLOAD, "--note", ATTRIBUTE_PAYLOAD,
            "--condition", ATTRIBUTE_PAYLOAD, examiner="clerk-01")
    custody("device", "add", "OLD-01", "--type", "phone", "--make", "Nokia", "--model", "1280", examiner="clerk-01")
    for label, shelf in PLACES.items():
        custody("event", "move", label, "--to", shelf, examiner="clerk-01")


class Desk:
    """A `custody desk` process on a loopback port, its log in a file."""

    def __init__(self, custody, port=None, log_dir=None):
        self.custody = custody
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(log_dir or tempfile.gettempdir(), f"desk-{self.port}.log")
        self.process = None

    def start(self, timeout=60):
        command = [self.custody.binary, "desk", "--case", self.custody.case, "--listen", f"127.0.0.1:{self.port}"]
        if self.custody.station_key:
            command += ["--station-key", self.custody.station_key]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.custody.env(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"custody desk exited with {self.process.returncode}: {self.log_text()}")
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                pass
            time.sleep(0.2)
        raise HarnessError(f"custody desk did not answer on {self.url}/login within {timeout} s: {self.log_text()}")

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()[-4000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()


class Api:
    """The desk's JSON API with a Bearer token."""

    def __init__(self, desk, token):
        self.desk = desk
        self.token = token

    def request(self, method, path, body=None, token=True):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.desk.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text.decode(errors="replace")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body=None):
        return self.request("POST", path, body if body is not None else {})


def left_the_document(element):
    """True once `element` is no longer in the page (the page it was on was replaced). Selenium's
    `staleness_of` knows only StaleElementReferenceException; while a navigation is under way
    chromedriver may instead answer "Node with given id does not belong to the document", which
    says the same thing (seen on a loaded 2-core CI machine)."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in (error.msg or ""):
            return True
        raise


class Browser:
    """Headless Chromium through chromedriver, with its console log kept for the checks."""

    def __init__(self, base_url, screenshot_dir=None):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                         "--lang=en-US", "--autoplay-policy=no-user-gesture-required"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        self.driver.set_page_load_timeout(30)
        self.base_url = base_url
        self.screenshot_dir = screenshot_dir
        self.console = []

    def quit(self):
        self.driver.quit()

    def open(self, path):
        self.driver.get(self.base_url + path)
        self.wait_ready()

    def wait_ready(self):
        WebDriverWait(self.driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def wait(self, condition, timeout=10, message=""):
        return WebDriverWait(self.driver, timeout).until(lambda d: condition(), message)

    def path(self):
        return "/" + self.driver.current_url.split("/", 3)[3] if self.driver.current_url.count("/") >= 3 else "/"

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self):
        return self.find("body").text

    def console_log(self):
        """Every console message since the last call (Chromium hands each out once)."""
        entries = self.driver.get_log("browser")
        self.console.extend(entries)
        return entries

    def console_errors(self):
        """The console's errors (script errors, CSP violations, failed loads) since the last call,
        less two kinds of failed load that are no fault: /favicon.ico, which Chromium asks for
        whatever the page says (the desk has none), and a 4xx answer of the JSON API to the
        page's script (a refused scan: the page shows the refusal)."""
        errors = []
        for entry in self.console_log():
            if entry["level"] != "SEVERE":
                continue
            message = entry["message"]
            if entry.get("source") == "network" and (
                    "/favicon.ico - " in message
                    or re.search(r"/api/v1/\S+ - Failed to load resource: the server responded with a status of 4\d\d", message)):
                continue
            errors.append(message)
        return errors

    def screenshot(self, name):
        if self.screenshot_dir:
            os.makedirs(self.screenshot_dir, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.screenshot_dir, f"desk-{name}.png"))

    def fill(self, form_css, values):
        """Types `values` (field name → text) into the form `form_css`: a radio button is clicked by
        its value, a <select> set to its option, a date field set to its YYYY-MM-DD value (typing
        a date depends on the browser's locale)."""
        form = self.find(form_css)
        for name, value in values.items():
            fields = form.find_elements(By.NAME, name)
            if not fields:
                raise HarnessError(f"the form {form_css} has no field {name}")
            field = fields[0]
            kind = field.get_attribute("type")
            if kind == "radio":
                next(f for f in fields if f.get_attribute("value") == value).click()
            elif field.tag_name == "select":
                Select(field).select_by_value(value)
            elif kind == "date":
                self.driver.execute_script("arguments[0].value = arguments[1]", field, value)
            else:
                field.clear()
                field.send_keys(value)
        return form

    def submit(self, form_css, values=None):
        """Fills the form `form_css` (see `fill`), submits it and waits for the page that answers."""
        form = self.fill(form_css, values or {})
        old = self.find("html")
        form.find_element(By.CSS_SELECTOR, "[type=submit]").click()
        self.wait(lambda: left_the_document(old), timeout=20, message=f"{form_css} did not load a page")
        self.wait_ready()

    def print_form(self, css):
        """Posts the print form `css` (a record printed on demand: its printing is a ledger entry)
        with the browser's session and the form's CSRF token, as its button does; the answer's
        content type and bytes (a PDF viewer would only show them)."""
        form = self.find(css)
        fields = {f.get_attribute("name"): f.get_attribute("value") for f in form.find_elements(By.CSS_SELECTOR, "input[type=hidden]")}
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(form.get_attribute("action"), data=urllib.parse.urlencode(fields).encode(), method="POST",
                                         headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.headers.get("Content-Type", ""), answer.read()

    def login(self, examiner, password=PASSWORD):
        self.open("/login")
        self.submit("form[action='/login']", {"examiner": examiner, "password": password})

    def logout(self):
        self.submit("form[action='/logout']")
