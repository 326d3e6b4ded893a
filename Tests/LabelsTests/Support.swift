import Foundation
import Testing

/// The command-line tools the label tests check the output with (installed by Scripts/setup):
/// pdftoppm (poppler-utils) and rsvg-convert (librsvg2-bin) render, zbarimg (zbar-tools)
/// decodes QR codes, qpdf checks PDF structure.
enum Tool {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `name` from PATH to completion; a test failure naming the package when it is missing.
    static func run(_ name: String, _ arguments: [String]) throws -> Output {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        let found = try #require(path, "\(name) is not installed: run Scripts/setup")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: found)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The QR codes zbarimg finds in `png`, one string each. Text is taken as zbarimg prints it
    /// (one symbol a line), which is exact for ASCII; `binary` gives the exact bytes of a single
    /// symbol instead (zbarimg otherwise guesses a character set and can get UTF-8 wrong).
    static func qrCodes(in png: String, binary: Bool = false) throws -> [String] {
        let decoded = try run("zbarimg", ["--raw", "-q"] + (binary ? ["-Sbinary"] : []) + [png])
        // zbarimg exits 4 when it finds no symbol.
        guard decoded.status == 0 else { return [] }
        let text = String(decoding: decoded.stdout, as: UTF8.self)
        return binary ? [text] : text.split(separator: "\n").map(String.init)
    }

    /// Renders every page of a PDF to PNG at `dpi` and returns the PNG paths, in page order.
    static func renderPDF(_ pdf: String, dpi: Int = 200) throws -> [String] {
        let prefix = pdf + "-page"
        let rendered = try run("pdftoppm", ["-r", "\(dpi)", "-png", pdf, prefix])
        #expect(rendered.status == 0, "pdftoppm: \(rendered.stderr)")
        let folder = (pdf as NSString).deletingLastPathComponent, stem = (prefix as NSString).lastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(stem) && $0.hasSuffix(".png") }
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }.map { folder + "/" + $0 }
    }

    /// Renders one rectangle of a PDF page (`region` in points from the page's top left) to PNG.
    static func renderPDF(_ pdf: String, page: Int, region: (x: Double, y: Double, width: Double, height: Double),
                          name: String, dpi: Int = 200) throws -> String {
        let scale = Double(dpi) / 72
        let pixels = [region.x, region.y, region.width, region.height].map { String(Int(($0 * scale).rounded())) }
        let png = (pdf as NSString).deletingLastPathComponent + "/" + name
        let rendered = try run("pdftoppm", ["-r", "\(dpi)", "-png", "-singlefile", "-f", "\(page)", "-l", "\(page)",
                                            "-x", pixels[0], "-y", pixels[1], "-W", pixels[2], "-H", pixels[3], pdf, png])
        #expect(rendered.status == 0, "pdftoppm: \(rendered.stderr)")
        return png + ".png"
    }

    /// The number of dark pixels (grey below 128) in one rectangle of a PDF page (`region` in
    /// points from the page's top left), rendered in grey at `dpi` (pdftoppm -gray: a binary PGM).
    static func darkPixels(_ pdf: String, page: Int = 1, region: (x: Double, y: Double, width: Double, height: Double),
                           dpi: Int = 100) throws -> Int {
        let scale = Double(dpi) / 72
        let pixels = [region.x, region.y, region.width, region.height].map { String(Int(($0 * scale).rounded())) }
        let rendered = try run("pdftoppm", ["-r", "\(dpi)", "-gray", "-singlefile", "-f", "\(page)", "-l", "\(page)",
                                            "-x", pixels[0], "-y", pixels[1], "-W", pixels[2], "-H", pixels[3], pdf])
        #expect(rendered.status == 0, "pdftoppm: \(rendered.stderr)")
        // "P5\n<width> <height>\n255\n" then one byte a pixel.
        var newlines = 0
        guard let start = rendered.stdout.firstIndex(where: { byte in
            if byte == 0x0A { newlines += 1 }
            return newlines == 3
        }) else { return 0 }
        return rendered.stdout[(start + 1)...].filter { $0 < 128 }.count
    }

    /// Renders an SVG to PNG at `dpi`.
    static func renderSVG(_ svg: String, dpi: Int = 200) throws -> String {
        let png = svg + ".png"
        let rendered = try run("rsvg-convert", ["--dpi-x", "\(dpi)", "--dpi-y", "\(dpi)", "-o", png, svg])
        #expect(rendered.status == 0, "rsvg-convert: \(rendered.stderr)")
        return png
    }
}

/// A temporary folder, removed by `remove()`.
struct TempFolder {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
