import Ledger
import Testing

@Suite struct ConcurrentMapTests {
    @Test func keepsOrderAtEverySize() {
        for count in [0, 1, 2, 7, 8, 9, 100, 10_007] {
            let items = Array(0..<count)
            #expect(items.concurrentMap { $0 * 3 + 1 } == items.map { $0 * 3 + 1 }, "\(count) items")
        }
    }

    @Test func mapsToAnotherType() {
        let items = (0..<5_000).map { "line \($0)" }
        let mapped = items.concurrentMap { Array($0.utf8) }
        #expect(mapped.count == items.count)
        #expect(mapped.map { String(decoding: $0, as: UTF8.self) } == items)
    }
}
