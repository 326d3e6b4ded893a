import Foundation

/// Work started on the global queue when this is made and waited for with `wait`: how the
/// verifier reads files beside checking the ledger (two cores, two long passes that need
/// nothing of each other).
/// `@unchecked Sendable`: `value` is written under `lock` before `group` leaves the work, and
/// read under it after.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let lock = NSLock()
    private let group = DispatchGroup()

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async(group: group) { [self] in
            let made = work()
            lock.withLock { value = made }
        }
    }

    /// The work's value, once it is done.
    func wait() -> Value {
        group.wait()
        return lock.withLock { value! }
    }
}
