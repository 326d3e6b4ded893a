import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `wait4`, so its own resource
/// usage (user + system CPU) is known exactly: `RUSAGE_CHILDREN` would also count every other
/// child the bench ever reaped. Foundation's `Process` reaps by itself and gives no rusage.
final class Child: Sendable {
    let pid: pid_t
    /// Read ends of the child's standard output and error.
    let stdout: FileHandle
    let stderr: FileHandle

    struct Exit {
        var status: Int32
        /// User + system CPU seconds of the child (not of its own children).
        var cpuSeconds: Double
        var userSeconds: Double
        var systemSeconds: Double
    }

    init(_ path: String, _ arguments: [String]) throws {
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw BenchFailure("pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        for fd in out + err { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, nil, argv, environ)
        close(out[1])
        close(err[1])
        guard rc == 0 else {
            close(out[0]); close(err[0])
            throw BenchFailure("cannot start \(path): \(String(cString: strerror(rc)))")
        }
        pid = child
        stdout = FileHandle(fileDescriptor: out[0], closeOnDealloc: true)
        stderr = FileHandle(fileDescriptor: err[0], closeOnDealloc: true)
    }

    /// Waits for the child to exit (`wait4`) and returns its status and CPU time.
    func wait() -> Exit {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        func secs(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        // WIFEXITED / WEXITSTATUS, spelled out (the macros are not imported).
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Exit(status: code, cpuSeconds: secs(usage.ru_utime) + secs(usage.ru_stime),
                    userSeconds: secs(usage.ru_utime), systemSeconds: secs(usage.ru_stime))
    }

    /// Runs `path` to completion; fails (one line, with its standard error) unless it exits 0.
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let child = try Child(path, arguments)
        let errors = Locked(Data())
        let drained = DispatchGroup()
        drained.enter()
        Thread {
            let data = child.stderr.readDataToEndOfFile()
            errors.withLock { $0 = data }
            drained.leave()
        }.start()
        let output = child.stdout.readDataToEndOfFile()
        drained.wait()
        let exit = child.wait()
        guard exit.status == 0 else {
            let why = String(decoding: errors.value, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BenchFailure("\((path as NSString).lastPathComponent) \(arguments.prefix(2).joined(separator: " ")) exited \(exit.status): \(why)")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
