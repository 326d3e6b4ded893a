import CaseStore
import Foundation
import Testing
import Workbench
@testable import Desk

/// The dashboard is worked out again when the ledger's head moves, and at the latest
/// `DashboardCache.maximumAge` seconds after it was.
@Suite struct DashboardCacheTests {
    @Test func aChangeOrFiveSecondsMakeItNew() throws {
        let c = try shelfCase()
        let cache = DashboardCache()
        // 23:59:58 in Hà Nội (the case's time zone): three seconds later is the next day.
        let evening = try #require(ISO8601DateFormatter().date(from: "2026-12-07T16:59:58Z"))
        let first = try cache.current(c.store, now: evening)
        #expect(first.custody.today == "2026-12-07" && first.custody.totals["checked-out"] == 0)

        _ = try CustodyEvent.checkOut(to: "tech", purpose: "trích xuất", due: nil).record(on: "PH-1", in: c.store, by: "clerk")
        let changed = try cache.current(c.store, now: evening.addingTimeInterval(1))
        #expect(changed.custody.totals["checked-out"] == 1, "a new entry makes a new dashboard at once")

        let reused = try cache.current(c.store, now: evening.addingTimeInterval(3))
        #expect(reused.custody.today == "2026-12-07", "unchanged case, under five seconds old: the same dashboard")
        let aged = try cache.current(c.store, now: evening.addingTimeInterval(7))
        #expect(aged.custody.today == "2026-12-08", "older than five seconds: worked out again")
    }
}
