/// What an Answer-To-Reset says about the protocols a card offers (ISO/IEC 7816-3 §8.2).
public struct ATRInfo: Hashable, Sendable {
    /// Protocols offered in the TDi bytes (T=15 is a global indicator, not a protocol);
    /// T=0 when no TD1 is present.
    public let protocols: [Int]
    public let historicalBytes: [UInt8]

    public init(_ atr: [UInt8]) {
        guard atr.count >= 2 else { protocols = []; historicalBytes = []; return }
        var offered: [Int] = []
        var position = 2
        var indicator = atr[1] >> 4
        while true {
            position += (indicator & 0x1 != 0 ? 1 : 0) + (indicator & 0x2 != 0 ? 1 : 0) + (indicator & 0x4 != 0 ? 1 : 0)
            guard indicator & 0x8 != 0, position < atr.count else { break }
            let td = atr[position]
            position += 1
            let proto = Int(td & 0x0F)
            if proto != 15, !offered.contains(proto) { offered.append(proto) }
            indicator = td >> 4
        }
        protocols = offered.isEmpty ? [0] : offered
        let start = min(position, atr.count)
        historicalBytes = Array(atr[start..<min(start + Int(atr[1] & 0x0F), atr.count)])
    }
}
