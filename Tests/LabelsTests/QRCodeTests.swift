import Foundation
@testable import Labels
import Testing

@Suite struct QRCodeTests {
    /// `qrencode -l M -8 -m 0 -t ASCII "SB-03/P17/S2"` (qrencode 4.1.1), '#' dark: the symbol
    /// the wrapper must reproduce module for module (version 1, mask chosen by libqrencode).
    static let knownSymbol = [
        "#######..#....#######",
        "#.....#....##.#.....#",
        "#.###.#.#.###.#.###.#",
        "#.###.#.##.##.#.###.#",
        "#.###.#.#####.#.###.#",
        "#.....#.#...#.#.....#",
        "#######.#.#.#.#######",
        "........##.##........",
        "#.#####...#.#.#####..",
        "##..##.##.#.#...#.#..",
        ".#...###..##.#.#...#.",
        "..#..#..#......#..###",
        "###..##...##.###.....",
        "........#.#.##...#.#.",
        "#######.....###..###.",
        "#.....#.###.....#.#..",
        "#.###.#.#.#.#.#.##.##",
        "#.###.#.####.####.#..",
        "#.###.#.##..####..#..",
        "#.....#..###.#..#.#..",
        "#######.#...##.#.#.#.",
    ]

    @Test func matchesLibqrencodesSymbolForAKnownLabel() throws {
        let code = try QRCode(encoding: "SB-03/P17/S2")
        #expect(code.version == 1)
        #expect(code.size == 21)
        let rows = (0..<code.size).map { r in String((0..<code.size).map { c in code[r, c] ? "#" : "." }) }
        #expect(rows == Self.knownSymbol)
        let darkModules = rows.joined().filter { $0 == "#" }.count
        #expect(darkModules == 226)
    }

    /// Byte-mode capacity at level M: 14 bytes in version 1, 26 in 2, 42 in 3, 122 in 7, 152 in 8.
    @Test(arguments: [(14, 1), (15, 2), (26, 2), (27, 3), (42, 3), (122, 7), (128, 8)])
    func smallestVersionThatHoldsTheBytes(length: Int, version: Int) throws {
        let code = try QRCode(encoding: String(repeating: "S", count: length))
        #expect(code.version == version)
        #expect(code.size == 17 + 4 * version)
    }

    /// Finder patterns at three corners with their light separators, timing patterns between
    /// them, the dark module beside the bottom-left finder (ISO/IEC 18004, 6.3).
    @Test(arguments: ["SB-01", "SIM-8984012204000123456", "SB-03/P17/S2", String(repeating: "X/", count: 40)])
    func fixedPatternsAreInPlace(label: String) throws {
        let code = try QRCode(encoding: label)
        let n = code.size
        for (top, left) in [(0, 0), (0, n - 7), (n - 7, 0)] {
            for r in -1...7 {
                for c in -1...7 {
                    let row = top + r, column = left + c
                    guard (0..<n).contains(row), (0..<n).contains(column) else { continue }
                    let ring = max(abs(r - 3), abs(c - 3))
                    // Rings from the centre: 0 and 1 dark (the 3×3 core), 2 light, 3 dark, 4 the separator, light.
                    let dark = ring <= 1 || ring == 3
                    #expect(code[row, column] == dark, "finder at \(top),\(left): module \(row),\(column)")
                }
            }
        }
        for i in 8..<(n - 8) {
            #expect(code[6, i] == (i % 2 == 0), "horizontal timing module \(i)")
            #expect(code[i, 6] == (i % 2 == 0), "vertical timing module \(i)")
        }
        #expect(code[4 * code.version + 9, 8], "dark module")
    }

    @Test func darkRunsCoverExactlyTheDarkModules() throws {
        let code = try QRCode(encoding: "SIM-8984012204000123456")
        for row in 0..<code.size {
            var fromRuns = [Bool](repeating: false, count: code.size)
            for run in code.darkRuns(row: row) { for c in run.column..<(run.column + run.length) { fromRuns[c] = true } }
            #expect(fromRuns == (0..<code.size).map { code[row, $0] }, "row \(row)")
        }
    }

    @Test func tooMuchDataIsAnErrorNamingTheFunction() {
        #expect(throws: QRCodeError(function: "QRcode_encodeData", code: ERANGE)) {
            try QRCode(encoding: [UInt8](repeating: 0x41, count: 3000))
        }
        #expect(QRCodeError(function: "QRcode_encodeData", code: ERANGE).description == "QRcode_encodeData failed: the data is too long for a QR code")
    }
}
