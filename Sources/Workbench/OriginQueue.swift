import Foundation

/// `sim watch --origin-prompt`: the labels of the slots or lots SIMs came from, scanned before
/// their SIMs are inserted, matched to cards in the order the cards were inserted. A card waits
/// (on a condition, not a timer) until it is the oldest card without an origin and a label is
/// there.
final class OriginQueue: @unchecked Sendable {
    /// Why a card got no origin, or the origin it got.
    enum Outcome: Equatable {
        case origin(String)
        /// The batch is stopping.
        case stopped
        /// No more labels will come (standard input closed) and none is waiting.
        case closed
    }

    /// Guards every property below.
    private let condition = NSCondition()
    private var labels: [String] = []
    /// Readers whose new card waits for an origin label, oldest insertion first.
    private var cardsWaiting: [String] = []
    private var closed = false
    private var stopped = false

    /// Queues `label`; returns how many labels now wait for their cards.
    func add(_ label: String) -> Int {
        condition.withLock {
            labels.append(label)
            condition.broadcast()
            return labels.count
        }
    }

    /// No more labels will come.
    func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    /// The batch stops: every waiting card gives up.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    /// The origin of the card just inserted in `reader`: blocks until it is this card's turn
    /// and a label is there. `ask` runs once, outside the lock, when the card becomes the
    /// oldest one waiting and no label is there yet, with how many cards wait behind it.
    func next(for reader: String, ask: (_ behind: Int) -> Void) -> Outcome {
        condition.lock()
        defer {
            cardsWaiting.removeAll { $0 == reader }
            condition.broadcast()
            condition.unlock()
        }
        cardsWaiting.append(reader)
        var asked = false
        while true {
            let first = cardsWaiting.first == reader
            if first, !labels.isEmpty { return .origin(labels.removeFirst()) }
            if stopped { return .stopped }
            if closed, first { return .closed }
            if first, !asked {
                asked = true
                let behind = cardsWaiting.count - 1
                condition.unlock()
                ask(behind)
                condition.lock()
                continue
            }
            condition.wait()
        }
    }
}
