import Foundation
import Testing
@testable import Export

/// `BackgroundWork`: each work runs exactly once, on a queue thread or in `wait`, whichever
/// claims it first, and `wait` gives its value (again when asked twice).
@Suite struct BackgroundWorkTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var runs = [Int: Int]()
        func ran(_ i: Int) { lock.withLock { runs[i, default: 0] += 1 } }
        var counts: [Int: Int] { lock.withLock { runs } }
    }

    @Test func eachWorkRunsOnceAndWaitGivesItsValue() {
        let counter = Counter()
        // More works than threads, some waited for at once (claimed by `wait` before a thread
        // took them), some after they ran.
        let works = (0..<200).map { i in
            BackgroundWork { () -> Int in
                counter.ran(i)
                if i % 7 == 0 { usleep(200) }
                return i * i
            }
        }
        for (i, work) in works.enumerated() {
            #expect(work.wait() == i * i)
            #expect(work.wait() == i * i, "a second wait gives the same value")
        }
        #expect(counter.counts == Dictionary(uniqueKeysWithValues: (0..<200).map { ($0, 1) }))
    }
}
