"""The desk in a real browser (issue 16, "Real parts" and "Security tests"): headless Chromium on a
running `custody desk` over a demo case. The tests run in order (their names are numbered): the
check-out, the audit and the disposal change the case the later ones look at.

The browser does what a clerk does (types into forms, scans by typing a code and Enter); the case
is then asked through the JSON API with a token, so every test checks what the desk recorded, not
only what the page says.
"""
import os
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import desk
from desk import Api, Browser, Custody, Desk

CONFIG = {}  # set by run.py: custody binary, work folder, port, screenshot folder


def setUpModule():
    global CASE, DESK, BROWSER, API
    CASE = Custody(CONFIG["custody"], os.path.join(CONFIG["work"], "case"))
    desk.make_demo_case(CASE)
    DESK = Desk(CASE, port=CONFIG.get("port"), log_dir=CONFIG["work"]).start()
    API = Api(DESK, CASE.token(desk.SUPERVISOR))
    BROWSER = Browser(DESK.url, CONFIG.get("screenshots"))


def tearDownModule():
    BROWSER.quit()
    DESK.stop()


def holders():
    """Item → examiner holding it, for every checked-out item, as the case store has it (`custody status`)."""
    return {row["label"]: row["holder"] for row in CASE.json("status")["checkedOut"]}


def disposal_states():
    """Item → state of its disposal request, as the case store has it (`custody dispose list`)."""
    return {row["item"]: row["state"] for row in CASE.json("dispose", "list")["disposals"]}


class DeskInBrowser(unittest.TestCase):
    def setUp(self):
        BROWSER.driver.delete_all_cookies()
        BROWSER.console_log()  # forget the previous test's messages

    def assertNoConsoleErrors(self, where):
        errors = BROWSER.console_errors()
        self.assertEqual(errors, [], f"console errors on {where}")

    def assertOnLogin(self, where):
        self.assertTrue(BROWSER.path().startswith("/login"), f"{where} without a session showed {BROWSER.path()}, not the login page")

    def scan(self, code):
        """Types `code` and Enter into the scan field, as a USB scanner does; the row it adds (at the top)."""
        field = BROWSER.find("form[data-scan] input[name=code]")
        before = len(BROWSER.find_all("ol.scans li"))
        field.send_keys(code, Keys.ENTER)
        BROWSER.wait(lambda: len(BROWSER.find_all("ol.scans li")) > before, message=f"no row for the scan of {code}")
        self.assertEqual(BROWSER.driver.switch_to.active_element.get_attribute("name"), "code", "the scan field lost the focus")
        row = BROWSER.find("ol.scans li")
        self.assertIn(code, row.text)
        return row

    def assertAccepted(self, row):
        self.assertIn("scan-accepted", row.get_attribute("class"), f"refused: {row.text}")

    def assertRefused(self, row):
        self.assertIn("scan-refused", row.get_attribute("class"), f"accepted: {row.text}")

    def assertPDF(self, answer, what):
        content_type, body = answer
        self.assertTrue(content_type.startswith("application/pdf") and body.startswith(b"%PDF-"), f"{what} is not a PDF: {content_type}")

    def refusals(self):
        return [e.text for e in BROWSER.find_all(".scan-refused[role=status], .desk-problem")]

    # Access

    def test_01_pages_and_api_without_a_session_give_nothing(self):
        for path in ["/", "/search?q=SIM", "/items/SB-01", "/tree", "/locations", "/station", "/audits", "/disposals"]:
            BROWSER.open(path)
            self.assertOnLogin(path)
            self.assertNotIn("8984041907123456786", BROWSER.driver.page_source, f"{path} leaked an ICCID to the login page")
        for path in ["/api/v1/items/SIM-01", "/api/v1/search?q=SIM", "/api/v1/dashboard"]:
            status, body = API.request("GET", path, token=False)
            self.assertEqual(status, 401, f"{path} without credentials: {body}")

    def test_02_wrong_password_is_refused_and_the_right_one_lands_on_the_dashboard(self):
        BROWSER.login("clerk-01", "not the password")
        self.assertOnLogin("a wrong password")
        self.assertTrue(BROWSER.find_all(".desk-problem"), "no error shown for a wrong password")
        BROWSER.login("nobody-99", "not the password")
        self.assertOnLogin("an unknown examiner")
        BROWSER.console_log()  # the refused logins' 401 answers
        BROWSER.login("clerk-01")
        self.assertEqual(BROWSER.path(), "/", "the right password did not land on the dashboard")
        self.assertIn("clerk-01", BROWSER.find("#desk-user").text)
        self.assertNoConsoleErrors("login")
        BROWSER.logout()
        BROWSER.open("/")
        self.assertOnLogin("the dashboard after logout")

    def test_03_content_security_policy_allows_no_inline_script(self):
        import urllib.request
        with urllib.request.urlopen(DESK.url + "/login") as answer:
            policy = answer.headers.get("Content-Security-Policy", "")
        self.assertIn("default-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)

    # Scan station

    def test_10_bulk_check_out_by_scanning(self):
        BROWSER.login("clerk-01")
        BROWSER.open("/station")
        BROWSER.submit("form[action='/station/batches']",
                       {"action": "checkout", "to": "tech-01", "purpose": "examination", "due": "2030-01-31"})
        self.assertEqual(BROWSER.driver.switch_to.active_element.get_attribute("name"), "code", "the scan field does not have the focus")
        for code in ["PC-01", "LOT-01"]:
            self.assertAccepted(self.scan(code))
        row = self.scan("NO-SUCH-ITEM-42")
        self.assertRefused(row)
        self.assertGreater(len(row.text), len("NO-SUCH-ITEM-42") + 3, "an unknown code was refused without a reason")
        self.assertAccepted(self.scan("SB-02"))
        self.assertRefused(self.scan("PC-01"))  # already checked out
        BROWSER.screenshot("station-bulk")
        self.assertNoConsoleErrors("the scan station")
        self.assertEqual(holders(), {"PC-01": "tech-01", "LOT-01": "tech-01", "SB-02": "tech-01"})
        self.assertPDF(BROWSER.print_form("form.print[action$='/receipt']"), "the batch receipt")

    # Shelf audit

    def test_20_audit_with_one_missing_and_one_unexpected_item(self):
        BROWSER.login("clerk-01")
        BROWSER.open("/audits")
        BROWSER.submit("form[action='/audits']", {"location": "SHELF-1"})
        for code in ["PH-01", "PH-03", "NO-SUCH-ITEM-43"]:
            self.scan(code)
        BROWSER.submit("form[action$='/finish']")
        groups = BROWSER.find_all("section.audit-result > ul")
        self.assertEqual(len(groups), 4, "the result is not found / missing / unexpected / unknown")
        # Each row starts with the label or code; a reason may follow.
        found, missing, unexpected, unknown = [[li.text.split()[0] for li in g.find_elements(By.TAG_NAME, "li")] for g in groups]
        self.assertEqual(found, ["PH-01"])
        self.assertEqual(missing, ["PH-02"])
        self.assertEqual(unexpected, ["PH-03"])
        self.assertEqual(unknown, ["NO-SUCH-ITEM-43"])
        self.assertPDF(BROWSER.print_form("form.print[action$='/report']"), "the audit report")
        BROWSER.screenshot("audit-result")
        self.assertNoConsoleErrors("the audit result")

    # Disposal, two-person rule

    def request_disposal(self, label, fields):
        """Requests the disposal of `label` on /disposals; the request's id (from the page it lands on)."""
        BROWSER.open("/disposals")
        BROWSER.submit("form[action='/disposals']", {"label": label, **fields})
        self.assertEqual(self.refusals(), [], f"the request for {label} was refused")
        path = BROWSER.path()
        self.assertRegex(path, r"^/disposals/[^/]+$", "the request did not land on its page")
        return path.rsplit("/", 1)[1]

    def test_30_disposal_needs_a_second_person(self):
        BROWSER.login("clerk-01")
        request = self.request_disposal("OLD-01", {"method": "destroy", "reason": "court order 12/TEST: destroy"})
        self.assertFalse(BROWSER.find_all(f"form[action='/disposals/{request}/approve']"), "a clerk was offered the approval")
        status, _ = API.request("POST", f"/api/v1/disposals/{request}/approve", token=False)
        self.assertEqual(status, 401)
        status, body = Api(DESK, CASE.token("clerk-01")).post(f"/api/v1/disposals/{request}/approve")
        self.assertEqual(status, 403, f"a clerk approved a disposal: {body}")

        BROWSER.logout()
        BROWSER.login(desk.SUPERVISOR)
        BROWSER.open(f"/disposals/{request}")
        BROWSER.submit(f"form[action='/disposals/{request}/approve']")
        self.assertEqual(self.refusals(), [], "the supervisor could not approve")

        # The two-person rule: a supervisor may not approve his own request, in the page or the API.
        own = self.request_disposal("PH-03", {"method": "return", "to": "Đối tượng mô phỏng A", "reason": "returned to its owner"})
        for form in BROWSER.find_all(f"form[action='/disposals/{own}/approve']"):
            BROWSER.submit(f"form[action='/disposals/{own}/approve']")
            self.assertTrue(self.refusals(), "the requester approved his own request")
            BROWSER.console_log()  # the refusal's 4xx answer
        status, body = API.post(f"/api/v1/disposals/{own}/approve")
        self.assertEqual(status // 100, 4, f"the requester approved his own request through the API: {body}")

        BROWSER.logout()
        BROWSER.login("clerk-02")
        BROWSER.open(f"/disposals/{request}")
        BROWSER.submit(f"form[action='/disposals/{request}/execute']", {"witnesses": "Phạm Thị Chứng"})
        self.assertEqual(self.refusals(), [], "the execution was refused")
        self.assertEqual(disposal_states(), {"OLD-01": "executed", "PH-03": "requested"})
        BROWSER.open(f"/disposals/{request}")
        self.assertPDF(BROWSER.print_form(f"form.print[action='/disposals/{request}/record']"), "the disposal record (biên bản)")
        BROWSER.screenshot("disposal")
        self.assertNoConsoleErrors("the disposal page")

    # Escaping

    def test_40_item_text_is_shown_escaped_and_never_run(self):
        BROWSER.login("pros-01")
        for path in ["/items/XSS-1", "/search?q=XSS", "/locations/SHELF-2"]:
            BROWSER.open(path)
            self.assertIsNone(BROWSER.driver.execute_script("return window.__xssRan"), f"a payload ran on {path}")
            self.assertFalse(BROWSER.find_all("img[src='x']"), f"the <img> payload became an element on {path}")
            self.assertNoConsoleErrors(path)
        BROWSER.open("/items/XSS-1")
        self.assertIn(desk.SCRIPT_PAYLOAD, BROWSER.text(), "the <script> text is not shown as text")
        self.assertIn(desk.ATTRIBUTE_PAYLOAD, BROWSER.text(), "the attribute payload is not shown as text")

    # Every page

    def test_50_every_page_loads_without_a_console_error(self):
        BROWSER.login(desk.SUPERVISOR)
        pages = [("dashboard", "/"), ("search", "/search?q=8984"), ("item", "/items/SB-01"), ("tree", "/tree"),
                 ("locations", "/locations"), (None, "/locations/ROOM-1"), (None, "/items/SB-01%2FP1%2FS1"),
                 (None, "/station"), (None, "/audits"), (None, "/disposals"), (None, "/examiners"), (None, "/bundles"),
                 (None, "/readers")]
        for name, path in pages:
            BROWSER.open(path)
            self.assertFalse(BROWSER.path().startswith("/login"), f"{path} sent the supervisor to the login page")
            self.assertNoConsoleErrors(path)
            if name:
                BROWSER.screenshot(name)

    def test_51_a_prosecutor_reads_but_cannot_act(self):
        prosecutor = Api(DESK, CASE.token("pros-01"))
        status, _ = prosecutor.get("/api/v1/items/SIM-01")
        self.assertEqual(status, 200)
        status, body = prosecutor.post("/api/v1/items/PH-01/move", {"location": "SHELF-2"})
        self.assertEqual(status, 403, f"a prosecutor moved an item: {body}")
        BROWSER.login("pros-01")
        BROWSER.open("/station")
        self.assertFalse(BROWSER.find_all("form[action='/station/batches']"), "the bulk station was offered to a prosecutor")


if __name__ == "__main__":
    unittest.main()
