import Foundation
import Synchronization
import Testing
@testable import Workbench

/// `sim watch --origin-prompt` without readers: labels go to cards in the order the cards were
/// inserted, whichever order their threads ask in.
@Suite struct OriginQueueTests {
    @Test func aLabelAlreadyWaitingGoesToTheNextCard() {
        let queue = OriginQueue()
        #expect(queue.add("SB-01/P1/S1") == 1)
        #expect(queue.add("SB-01/P1/S2") == 2)
        #expect(queue.next(for: "A") { _ in Issue.record("asked with a label waiting") } == .origin("SB-01/P1/S1"))
        #expect(queue.next(for: "B") { _ in } == .origin("SB-01/P1/S2"))
    }

    @Test func cardsTakeLabelsInInsertionOrder() async {
        let queue = OriginQueue()
        let asked = Mutex<[String: Int]>([:])
        let results = Mutex<[String: OriginQueue.Outcome]>([:])
        let done = DispatchGroup()
        // Card A is inserted first, then B; both wait with no label there.
        let askedA = DispatchSemaphore(value: 0)
        func insert(_ reader: String, signal: DispatchSemaphore?) {
            done.enter()
            Thread {
                let outcome = queue.next(for: reader) { behind in
                    asked.withLock { $0[reader] = behind }
                    signal?.signal()
                }
                results.withLock { $0[reader] = outcome }
                done.leave()
            }.start()
        }
        insert("A", signal: askedA)
        askedA.wait()
        let askedB = DispatchSemaphore(value: 0)
        insert("B", signal: askedB)
        // B is not the oldest card yet: it is not asked, and the first label is A's.
        #expect(askedB.wait(timeout: .now() + .milliseconds(200)) == .timedOut)
        _ = queue.add("LOT-1")
        askedB.wait()
        _ = queue.add("LOT-2")
        done.wait()
        #expect(results.withLock { $0 } == ["A": .origin("LOT-1"), "B": .origin("LOT-2")])
        #expect(asked.withLock { $0 } == ["A": 0, "B": 0])
    }

    @Test func theOldestCardIsToldHowManyWaitBehindIt() {
        let queue = OriginQueue()
        let behindA = Mutex<Int?>(nil)
        let done = DispatchGroup()
        let firstWaiting = DispatchSemaphore(value: 0)
        let secondQueued = DispatchSemaphore(value: 0)
        done.enter()
        Thread {
            _ = queue.next(for: "A") { behind in
                behindA.withLock { $0 = behind }
                firstWaiting.signal()
            }
            done.leave()
        }.start()
        firstWaiting.wait()
        done.enter()
        Thread {
            secondQueued.signal()
            _ = queue.next(for: "B") { _ in }
            done.leave()
        }.start()
        secondQueued.wait()
        queue.stop()
        done.wait()
        #expect(behindA.withLock { $0 } == 0)
    }

    @Test func stoppingReleasesEveryWaitingCard() {
        let queue = OriginQueue()
        let results = Mutex<[OriginQueue.Outcome]>([])
        let done = DispatchGroup()
        for reader in ["A", "B", "C"] {
            done.enter()
            Thread {
                let outcome = queue.next(for: reader) { _ in }
                results.withLock { $0.append(outcome) }
                done.leave()
            }.start()
        }
        queue.stop()
        done.wait()
        #expect(results.withLock { $0 } == [.stopped, .stopped, .stopped])
    }

    @Test func closedInputReadsTheOldestCardWithoutAnOriginAndStillServesTheRest() {
        let queue = OriginQueue()
        _ = queue.add("LOT-1")
        queue.close()
        #expect(queue.next(for: "A") { _ in } == .origin("LOT-1"))
        #expect(queue.next(for: "B") { _ in } == .closed)
    }
}
