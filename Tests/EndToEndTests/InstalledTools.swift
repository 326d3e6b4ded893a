import Foundation

extension EndToEnd {
    /// Runs a tool installed by Scripts/setup (poppler-utils, zbar-tools, librsvg2-bin, coreutils)
    /// and returns its stdout; the suites check what it printed.
    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/" + name)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
