import SeededRandom

/// MinHash signatures of shingle sets, stored compactly (docs/ANALYSIS.md, "Algorithm").
///
/// A shingle is `shingleSize` consecutive bytes of the masked text, each token (`<URL>` …) made
/// one byte first. Permutation i of a shingle's 64-bit hash x is (aᵢ·x + bᵢ) >> 32 with aᵢ odd
/// (multiply-shift hashing, Dietzfelbinger et al. 1997); the signature keeps the low 16 bits of
/// each minimum (b-bit MinHash, Li and König 2010): 128 bytes a form at 64 permutations, and two
/// equal 16-bit minima that came from different minima happen once in 65,536, which shifts an
/// estimated Jaccard similarity by that much at most.
struct MinHasher: Sendable {
    let shingleSize: Int
    let multipliers: [UInt64]
    let increments: [UInt64]

    init(parameters: CampaignParameters) {
        shingleSize = parameters.shingleSize
        var random = SplitMix64(seed: parameters.seed)
        multipliers = (0..<parameters.permutations).map { _ in random.next() | 1 }
        increments = (0..<parameters.permutations).map { _ in random.next() }
    }

    /// The masked text as shingle bytes: each token one byte below 0x20, white space kept.
    static func shingleBytes(_ masked: String) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(masked.utf8.count)
        var token: [UInt8]?
        for byte in masked.utf8 {
            if byte == UInt8(ascii: "<") {
                token = []
            } else if token != nil, byte == UInt8(ascii: ">") {
                bytes.append(tokenBytes[token!] ?? 0x1F)
                token = nil
            } else if token != nil {
                token!.append(byte)
            } else {
                bytes.append(byte)
            }
        }
        if let token { bytes.append(UInt8(ascii: "<")); bytes.append(contentsOf: token) }
        return bytes
    }

    private static let tokenBytes: [[UInt8]: UInt8] = Dictionary(uniqueKeysWithValues: TokenKind.allCases.enumerated().map { index, kind in
        (Array(kind.token.utf8.dropFirst().dropLast()), UInt8(index + 1))
    })

    /// The number of distinct positions a text of `count` bytes has shingles at.
    func shingleCount(_ count: Int) -> Int { max(0, count - shingleSize + 1) }

    /// Appends the signature of `bytes` (which must have at least one shingle) to `signatures`.
    func appendSignature(of bytes: [UInt8], to signatures: inout [UInt16]) {
        let permutations = multipliers.count
        var minima = [UInt32](repeating: .max, count: permutations)
        bytes.withUnsafeBufferPointer { buffer in
            minima.withUnsafeMutableBufferPointer { minima in
                for start in 0...(buffer.count - shingleSize) {
                    let x = Self.hash(buffer, start, shingleSize)
                    for i in 0..<permutations {
                        let value = UInt32(truncatingIfNeeded: (multipliers[i] &* x &+ increments[i]) >> 32)
                        if value < minima[i] { minima[i] = value }
                    }
                }
            }
        }
        for value in minima { signatures.append(UInt16(truncatingIfNeeded: value)) }
    }

    /// FNV-1a over the shingle's bytes, then the MurmurHash3 finaliser to spread the bits.
    @inline(__always)
    static func hash(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for offset in start..<(start + count) { h = (h ^ UInt64(buffer[offset])) &* 0x100_0000_01B3 }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }
}
