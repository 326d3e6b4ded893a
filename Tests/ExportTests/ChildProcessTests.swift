import Foundation
import Testing
@testable import Export

/// The programs the export runs (Chromium, qpdf) are started with posix_spawn and reaped with
/// waitpid (`ChildProcess`): their exit status, their output in files, a deadline that stops them.
@Suite struct ChildProcessTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }

    func text(_ name: String) -> String { (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "" }

    @Test func theExitStatusAndBothOutputsComeBack() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let child = try ChildProcess.start("/bin/sh", ["-c", "read line || echo \"no input\"; echo err >&2; exit 3"],
                                           stdoutPath: folder + "/out", stderrPath: folder + "/err")
        #expect(child.wait(seconds: 30) == 3)
        #expect(text("out") == "no input\n", "standard input is /dev/null")
        #expect(text("err") == "err\n")
    }

    @Test func aSignalIsReportedAsAShellWould() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let child = try ChildProcess.start("/bin/sh", ["-c", "kill -TERM $$"], stdoutPath: "/dev/null", stderrPath: folder + "/err")
        #expect(child.wait(seconds: 30) == 128 + SIGTERM)
    }

    @Test func aProgramPastItsDeadlineIsStoppedAndReaped() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let child = try ChildProcess.start("/bin/sleep", ["60"], stdoutPath: "/dev/null", stderrPath: folder + "/err")
        #expect(child.wait(seconds: 0.2) == nil)
        let stopping = ContinuousClock.now
        child.stop()
        #expect(kill(child.pid, 0) == -1 && errno == ESRCH, "no process (nor zombie) is left")
        #expect(ContinuousClock.now - stopping < .seconds(4), "SIGTERM stopped it: the child does not inherit a blocked or ignored SIGTERM")
    }

    @Test func aMissingProgramIsOneClearError() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let failure = #expect(throws: ReportRenderError.self) {
            try ChildProcess.start(folder + "/no-such-program", [], stdoutPath: "/dev/null", stderrPath: folder + "/err")
        }
        #expect(failure?.description.contains("cannot start") == true)
    }
}
