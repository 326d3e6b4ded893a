import Foundation
import SIMCard

/// pcsc-tools' ATR list (`/usr/share/pcsc/smartcard_list.txt`): ATR patterns, hex with `..`
/// wildcards, each followed by tab-indented description lines. Read where installed; never shipped.
public struct ATRList {
    public static let path = "/usr/share/pcsc/smartcard_list.txt"

    private var entries: [(pattern: [UInt8?], lines: [String])] = []

    /// The system's list, or nil when pcsc-tools is not installed.
    public static var system: ATRList? {
        guard let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? (try? String(contentsOfFile: path, encoding: .isoLatin1)) else { return nil }
        return ATRList(text: text)
    }

    public init(text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t") {
                if !entries.isEmpty { entries[entries.count - 1].lines.append(line.trimmingCharacters(in: .whitespaces)) }
            } else if let first = line.first, first.isHexDigit {
                entries.append((Self.pattern(String(line)), []))
            }
        }
    }

    /// Parses "3B 9F 95 .. 1F" into bytes, nil for a wildcard byte.
    private static func pattern(_ text: String) -> [UInt8?] {
        text.split(separator: " ").map { UInt8($0, radix: 16) }
    }

    /// The description lines of every pattern `atr` matches, or nil when none does.
    public func describe(_ atr: [UInt8]) -> [String]? {
        let found = entries.filter { entry in
            entry.pattern.count == atr.count && zip(entry.pattern, atr).allSatisfy { $0 == nil || $0 == $1 }
        }.flatMap(\.lines)
        return found.isEmpty ? nil : found
    }
}
