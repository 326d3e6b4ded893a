import Foundation

/// Work started on the global queue when this is made and waited for with `wait`: how the
/// verifier reads files beside checking the ledger, and how an export verifies the case beside
/// making its files (`Exporter.planAndProduce`): two long passes that need nothing of each other. Whoever comes first runs it: a queue thread, or `wait` itself when
/// no thread took it yet (when no further thread can be made, as under a memory cap, waiting
/// for one would never end). `@unchecked Sendable`: `claimed` and `value` are read and written
/// under `lock`.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let work: @Sendable () -> Value
    private var claimed = false
    private var value: Value?
    private let lock = NSLock()
    private let group = DispatchGroup()

    init(_ work: @escaping @Sendable () -> Value) {
        self.work = work
        group.enter()
        DispatchQueue.global().async { [self] in runUnlessClaimed() }
    }

    private func runUnlessClaimed() {
        let mine = lock.withLock { () -> Bool in
            if claimed { return false }
            claimed = true
            return true
        }
        guard mine else { return }
        let made = work()
        lock.withLock { value = made }
        group.leave()
    }

    /// The work's value: run here if no thread has started it, else once it is done.
    func wait() -> Value {
        runUnlessClaimed()
        group.wait()
        return lock.withLock { value! }
    }
}
