import Foundation

extension Array {
    /// `transform` of each element, in order, computed on every core in a few pieces each
    /// (`DispatchQueue.concurrentPerform`: a core busy with other work takes fewer pieces). The
    /// calling thread takes part, so this ends even when no further thread can be made (as
    /// under a memory cap). `eachAlone`: every element is a piece of its own, taken by the next
    /// free core, for a few long tasks of uneven length (an export's producers): in pieces of
    /// several, a short task could wait behind a long one while another core had nothing to do.
    public func concurrentMap<Mapped>(eachAlone: Bool = false, _ transform: (Element) -> Mapped) -> [Mapped] {
        let pieces = eachAlone ? count : Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        guard pieces > 1 else { return map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            [Mapped](unsafeUninitializedCapacity: count) { buffer, initialized in
                let out = UncheckedSendable(buffer.baseAddress!), items = UncheckedSendable(self), work = UncheckedSendable(transform)
                DispatchQueue.concurrentPerform(iterations: pieces) { piece in
                    let n = items.value.count
                    for i in n * piece / pieces ..< n * (piece + 1) / pieces {
                        (out.value + i).initialize(to: work.value(items.value[i]))
                    }
                }
                initialized = count
            }
        }
    }
}

/// A value handed to `concurrentMap`'s pieces, each of which reads it or writes its own part
/// of it only (`@unchecked Sendable`: the pieces' ranges do not overlap).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
