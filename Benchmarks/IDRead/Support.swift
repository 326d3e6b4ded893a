import BenchmarkSupport
import ByteText
import Foundation
import SIMCard

/// Answers from a recorded transcript, in order, without any I/O: running the ID read over it
/// measures what the library itself costs per read (guard, parsing, decoding, transcript,
/// hashes), with the card and PC/SC stack taken out.
final class RecordedCard: CardTransport {
    private let answers: [[UInt8]]
    private var next = 0

    init(transcript: Transcript) {
        answers = transcript.entries.filter { $0.sw != nil }.map { Hex.bytes($0.response + ($0.sw ?? ""))! }
    }

    func rewind() { next = 0 }

    func transmit(_ command: [UInt8]) throws -> [UInt8] {
        defer { next += 1 }
        return answers[next % answers.count]
    }
}

/// Left-aligned plain-text table.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingTrailingSpaces()
    }
    let rule = widths.map { String(repeating: "-", count: $0) }
    return ([line(header), line(rule)] + rows.map(line)).joined(separator: "\n")
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
