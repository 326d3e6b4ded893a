import Foundation

/// What one child process cost.
public struct ChildRun: Sendable {
    /// From `posix_spawn` to `waitpid` returning.
    public var seconds: Double
    /// The program's peak resident set as GNU time reports it (`%M`, from `wait4`'s `ru_maxrss`):
    /// the program's own peak, or that of the largest process it waited for (e.g. Chromium under
    /// `custody export`) when larger. 0 when `/usr/bin/time` is missing.
    public var peakRSSBytes: Int64
    /// The wait status (0: exited normally with status 0).
    public var status: Int32
}

/// Runs a program to its end, timing it and taking its peak memory, with standard output to
/// `stdoutPath` and standard error to `stderrPath`. Spawned with posix_spawn and reaped with
/// waitpid: Foundation's `Process.waitUntilExit` polls a run loop and rounded every run up to
/// ≈ 50 ms on Linux, and reports no resource usage.
///
/// The peak comes from GNU time (`/usr/bin/time -f %M`) placed between us and the program: the
/// kernel carries a process's `maxrss` across `execve`, and glibc's posix_spawn runs the child on
/// the parent's memory until the exec, so a program spawned straight from the benchmark would
/// report at least the benchmark's own peak. GNU time forks from its own small image.
public func spawnMeasured(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                          stdoutPath: String = "/dev/null", stderrPath: String) -> ChildRun {
    let timeTool = "/usr/bin/time"
    let peakFile = stderrPath + ".maxrss"
    let measured = FileManager.default.isExecutableFile(atPath: timeTool)
    let command = measured ? [timeTool, "-f", "%M", "-o", peakFile, executable] + arguments : [executable] + arguments
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
    func cStrings(_ list: [String]) -> [UnsafeMutablePointer<CChar>?] { list.map { strdup($0) } + [nil] }
    let argv = cStrings(command), envp = cStrings(env)
    defer { for p in argv + envp { free(p) } }
    var pid = pid_t()
    var status: Int32 = 0
    var spawnError: Int32 = 0
    let t = timed {
        spawnError = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        if spawnError == 0 { while waitpid(pid, &status, 0) == -1 && errno == EINTR {} }
    }
    guard spawnError == 0 else { fail("cannot run \(command[0]): \(String(cString: strerror(spawnError)))") }
    // GNU time writes "Command exited with non-zero status N" before the figure when the program failed.
    let kibibytes = ((try? String(contentsOfFile: peakFile, encoding: .utf8)) ?? "").split(separator: "\n").last.flatMap { Int64($0) } ?? 0
    try? FileManager.default.removeItem(atPath: peakFile)
    return ChildRun(seconds: t, peakRSSBytes: kibibytes * 1024, status: status)
}

/// `spawnMeasured`, ending the benchmark with the program's standard error unless it exited 0.
public func spawnChecked(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                         stdoutPath: String = "/dev/null", stderrPath: String) -> ChildRun {
    let run = spawnMeasured(executable, arguments, environment: environment, stdoutPath: stdoutPath, stderrPath: stderrPath)
    // Exited normally with status 0 (WIFEXITED && WEXITSTATUS == 0: the whole wait status is 0).
    guard run.status == 0 else {
        let stderr = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        fail("\(([executable] + arguments).joined(separator: " ")) ended with wait status \(run.status): \(stderr)")
    }
    return run
}

/// The first `name` on PATH.
public func onPath(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// The size of the file at `path` in bytes, 0 when it cannot be read.
public func fileSize(_ path: String) -> Int64 {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
}

/// A measured child process as the benchmarks report it (JSON and tables).
public struct Run: Encodable, Sendable {
    public var seconds: Double
    public var peakRSSBytes: Int64
    /// 0 when the process succeeded; else its wait status, and the last line of its standard error.
    public var status: Int32
    public var failure: String?

    public init(_ run: ChildRun, stderrPath: String) {
        seconds = run.seconds
        peakRSSBytes = run.peakRSSBytes
        status = run.status
        if run.status != 0 {
            let text = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            failure = text.split(separator: "\n").last.map(String.init) ?? "no message"
        }
    }
}
