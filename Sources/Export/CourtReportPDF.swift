import Foundation

extension CourtReport {
    /// Renders `html` (the report as written) to `pdf` with headless Chromium (Debian package
    /// `chromium`, installed by Scripts/setup): A4 as the page's print CSS asks, no header or
    /// footer, bookmarks from the headings. Chromium runs with a fresh profile in a temporary
    /// folder and is stopped after `timeout` seconds (default: `timeout(htmlBytes:)`).
    ///
    /// The PDF is not byte-reproducible (Chromium writes its creation date and a random
    /// document id into it), so the bundle's manifest hashes the file as written; the HTML is
    /// the reproducible form of the report.
    public static func renderPDF(html: URL, pdf: URL, timeout: Double? = nil) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: html.path)[.size] as? Int) ?? 0
        let timeout = timeout ?? Self.timeout(htmlBytes: size)
        try? FileManager.default.removeItem(at: pdf)
        let run = try Chromium.run(["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", "--generate-pdf-document-outline",
                                    html.absoluteURL.absoluteString], timeout: timeout)
        let head = (try? FileHandle(forReadingFrom: pdf)).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 5)
        }
        guard run.status == 0, head == Data("%PDF-".utf8) else {
            throw ReportRenderError("chromium could not print \(html.path) to \(pdf.path) (exit \(run.status): \(run.lastErrorLine)); check free space and that the page opens in a browser")
        }
    }
}

extension CourtReport {
    /// Most bytes of report body Chromium prints as one document (`ReportDocument.parts`). The
    /// 10 MB report of 7,100 SIMs printed as one document in 63 s and 548 MiB; the 102 MB one of
    /// 71,000 SIMs grew past 17.9 GB and did not finish in 45 min, and in 54 parts took 274 s, at most
    /// 544 MiB a part (docs/BENCHMARKS.md, "Export and verify").
    public static let pdfPartBytes = 2_000_000

    /// Most bytes of report body on one page of report.html (`ReportDocument.pages`): about
    /// 3,000 SIM rows, which a browser opens in a few seconds; the 102 MB page of 71,000 SIMs
    /// took minutes and gigabytes.
    public static let htmlPageBytes = 4_000_000

    /// Prints `report` to `pdf`. A report of at most `partBytes` of body is printed as one
    /// document (`renderPDF(html:pdf:)`); a larger one as its part documents, each printed on its
    /// own by `printPart` (by default `renderPDF(html:pdf:)`, so the deadline is per part), two
    /// at a time, and the PDFs joined in order by qpdf. `scratch` is an existing folder for the
    /// part files.
    public static func renderPDF(_ report: ReportDocument, pdf: URL, scratch: URL, partBytes: Int = pdfPartBytes,
                                 printPart: @escaping @Sendable (_ html: URL, _ pdf: URL) throws -> Void = { try renderPDF(html: $0, pdf: $1) }) throws {
        let parts = report.parts(maxBytes: partBytes)
        let names = parts.indices.map { parts.count == 1 ? "report" : String(format: "report-part-%04d", $0 + 1) }
        let htmls = names.map { scratch.appendingPathComponent($0 + ".html") }
        let pdfs = parts.count == 1 ? [pdf] : names.map { scratch.appendingPathComponent($0 + ".pdf") }
        for (part, html) in zip(parts, htmls) { try Data(part.utf8).write(to: html) }
        let failures = PartFailures()
        DispatchQueue.concurrentPerform(iterations: min(2, parts.count)) { _ in
            while let index = failures.next(below: parts.count) {
                do { try printPart(htmls[index], pdfs[index]) } catch { failures.record(error) }
            }
        }
        if let error = failures.first { throw error }
        if parts.count > 1 { try Qpdf.join(pdfs, into: pdf) }
    }
}

/// The part documents still to print, and the first failure (after which no part is started).
/// `@unchecked Sendable`: every access holds `lock`.
private final class PartFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var printed = 0
    private(set) var first: Error?

    func next(below count: Int) -> Int? {
        lock.withLock {
            guard first == nil, printed < count else { return nil }
            printed += 1
            return printed - 1
        }
    }

    func record(_ error: Error) { lock.withLock { if first == nil { first = error } } }
}

/// qpdf (Debian package `qpdf`, installed by Scripts/setup) joining PDFs.
enum Qpdf {
    /// Writes the pages of `pdfs`, in order, to `pdf` (`qpdf --empty --pages … -- PDF`).
    static func join(_ pdfs: [URL], into pdf: URL) throws(ReportRenderError) {
        guard let executable = executableOnPath("qpdf") else {
            throw ReportRenderError("cannot join the report's PDF parts: qpdf is not installed (Debian package qpdf): run Scripts/setup")
        }
        try? FileManager.default.removeItem(at: pdf)
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("custody-qpdf-\(UUID().uuidString).stderr")
        defer { try? FileManager.default.removeItem(at: errors) }
        let qpdf = try ChildProcess.start(executable, ["--empty", "--pages"] + pdfs.map(\.path) + ["--", pdf.path],
                                          stdoutPath: "/dev/null", stderrPath: errors.path)
        let status = qpdf.wait(seconds: .infinity) ?? -1
        let message = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        // Exit 3: done, with warnings.
        guard status == 0 || status == 3 else {
            let line = message.split(separator: "\n").last { !$0.isEmpty }.map(String.init) ?? "no message"
            throw ReportRenderError("qpdf could not join \(pdfs.count) report PDF parts into \(pdf.path) (exit \(status): \(line)); check free space")
        }
    }
}

/// The first `name` on PATH that is an executable file.
func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

extension CourtReport {
    /// How long Chromium may take to print a report of `htmlBytes`: printing grows with the
    /// page count (the 7,100-SIM report, 10.2 MB of HTML and about 800 pages, took 63–129 s on 2
    /// loaded cores; docs/BENCHMARKS.md, "Export and verify"), so 300 s, or 40 s per MB of
    /// HTML when that is more — a fixed deadline would fail every export of a large case.
    public static func timeout(htmlBytes: Int) -> Double {
        max(300, Double(htmlBytes) / 1_000_000 * 40)
    }
}

/// Why the report could not be rendered. One line: what failed, why, what to do.
public struct ReportRenderError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Headless Chromium as a command: one run per page, a throwaway profile, a deadline.
enum Chromium {
    struct Run {
        var status: Int32
        var stdout: Data
        var stderr: String

        /// The last non-empty line Chromium wrote on stderr.
        var lastErrorLine: String {
            stderr.split(separator: "\n").last { !$0.isEmpty }.map(String.init) ?? "no message"
        }
    }

    /// `chromium` from PATH, or a one-line error telling to run Scripts/setup.
    static func executable() throws(ReportRenderError) -> String {
        if let path = executableOnPath("chromium") { return path }
        throw ReportRenderError("cannot run headless Chromium: chromium is not installed (Debian package chromium, which prints report.pdf): run Scripts/setup")
    }

    /// Runs headless Chromium with `arguments` after the common ones. `--no-sandbox`: the
    /// sandbox cannot start as root or in most containers, and the page is the report itself
    /// (no script, no network: its Content-Security-Policy forbids both).
    static func run(_ arguments: [String], timeout: Double) throws(ReportRenderError) -> Run {
        let executable = try executable()
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("custody-chromium-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: work) }
        let out = work.appendingPathComponent("stdout"), err = work.appendingPathComponent("stderr")
        do { try fm.createDirectory(at: work, withIntermediateDirectories: true) } catch {
            throw ReportRenderError("cannot start \(executable): \(error.localizedDescription); check free space in \(fm.temporaryDirectory.path)")
        }
        let chromium = try ChildProcess.start(executable, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(work.appendingPathComponent("profile").path)",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--mute-audio",
        ] + arguments, stdoutPath: out.path, stderrPath: err.path) // files, not pipes: a large --dump-dom cannot fill a pipe and stall Chromium
        guard let status = chromium.wait(seconds: timeout) else {
            chromium.stop()
            throw ReportRenderError("chromium did not finish within \(Int(timeout)) s and was stopped; retry, or render a smaller --items selection")
        }
        return Run(status: status, stdout: (try? Data(contentsOf: out)) ?? Data(),
                   stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
    }
}
