"""Two desks on one PostgreSQL case (issue 16, "Real parts"): two `custody desk` processes, each
with its own station key, on one case database; check-outs, check-ins and moves sent through both
at once (JSON API with tokens); then the ledger verifies and both desks show the same state."""
import os
import subprocess
import threading
import unittest
import uuid

import desk
from desk import Api, Custody, Desk

CONFIG = {}  # set by run.py: custody binary, work folder, ports, PostgreSQL folder of Scripts/pg

ITEMS = ["PH-01", "PH-02", "PH-03", "PC-01", "LOT-01", "SB-02", "XSS-1", "OLD-01"]


def new_database():
    name = "desk_" + uuid.uuid4().hex[:8]
    run = subprocess.run([os.path.join(desk.ROOT, "Scripts/pg"), "createdb", "--dir", CONFIG["pg_dir"], name],
                         capture_output=True, text=True, check=True)
    return run.stdout.strip()


class TwoDesksOnOnePostgreSQLCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        url = new_database()
        keys = os.path.join(CONFIG["work"], "pg-keys")
        os.makedirs(keys, exist_ok=True)
        first = Custody(CONFIG["custody"], url, station_key=os.path.join(keys, "case.key"))
        desk.make_demo_case(first)
        second = Custody(CONFIG["custody"], url, station_key=os.path.join(keys, "desk-2.key"))
        Custody(CONFIG["custody"], url)("station", "init", "desk-2", "--key-out", second.station_key)
        first("station", "add", os.path.join(keys, "desk-2.pub"), "--name", "desk-2", examiner=desk.SUPERVISOR)
        ports = CONFIG.get("pg_ports") or [None, None]
        cls.custody = first
        cls.desks = [Desk(first, port=ports[0], log_dir=CONFIG["work"]).start(),
                     Desk(second, port=ports[1], log_dir=CONFIG["work"]).start()]
        token = first.token("clerk-01")
        cls.apis = [Api(d, token) for d in cls.desks]

    @classmethod
    def tearDownClass(cls):
        for d in cls.desks:
            d.stop()

    def test_concurrent_actions_through_both_desks_stay_consistent(self):
        failures = []
        results = {}

        def work(index):
            api = self.apis[index]
            mine = ITEMS[index::2]
            for round in range(5):
                for label in mine:
                    # Each round moves the item to the other shelf (a move to where it is is refused).
                    other = {"SHELF-1": "SHELF-2", "SHELF-2": "SHELF-1"}[desk.PLACES[label]]
                    shelf = other if round % 2 == 0 else desk.PLACES[label]
                    for path, body in [(f"/api/v1/items/{label}/move", {"location": shelf}),
                                       (f"/api/v1/items/{label}/checkout", {"to": "tech-01", "purpose": "examination", "due": "2030-01-31"}),
                                       (f"/api/v1/items/{label}/checkin", {})]:
                        status, answer = api.post(path, body)
                        if status != 200:
                            failures.append(f"desk {index + 1} {path}: {status} {answer}")
            # Both desks check out the same item at once: exactly one may succeed.
            results[index] = api.post("/api/v1/items/SB-01/checkout", {"to": "tech-01", "purpose": "race", "due": "2030-01-31"})[0]

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        self.assertEqual(sorted(results.values())[0], 200, f"neither desk checked out SB-01: {results}")
        self.assertEqual(sum(1 for s in results.values() if s == 200), 1, f"SB-01 was checked out twice: {results}")

        verify = self.custody("ledger", "verify")
        self.assertIn("ledger OK", verify.stdout)
        for label in ITEMS + ["SB-01"]:
            for view in ["custody", "history"]:
                views = [api.get(f"/api/v1/items/{label}/{view}") for api in self.apis]
                self.assertEqual(views[0][0], 200, f"{label}/{view}: {views[0]}")
                self.assertEqual(views[0], views[1], f"the two desks show {label}'s {view} differently")
        states = {label: self.apis[0].get(f"/api/v1/items/{label}/custody")[1]["state"] for label in ITEMS}
        self.assertEqual(set(states.values()), {"on-shelf"}, f"an item was left checked out: {states}")
        dashboards = [api.get("/api/v1/dashboard") for api in self.apis]
        self.assertEqual(dashboards[0], dashboards[1], "the two desks' dashboards differ")


if __name__ == "__main__":
    unittest.main()
