#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A program run to its end with `posix_spawn` and reaped with `waitpid`, its standard input
/// `/dev/null` and its standard output and error in files. Not Foundation's `Process`: its
/// `run()` starts a thread of its own and waits for it, and where no further thread can be made
/// (an export under a memory cap, its producers beside each other) it waited for ever.
struct ChildProcess {
    let pid: pid_t
    let executable: String

    /// Starts `executable` with `arguments` and this process's environment.
    static func start(_ executable: String, _ arguments: [String], stdoutPath: String, stderrPath: String) throws(ReportRenderError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // No signal blocked and every signal at its default action: a spawned program inherits
        // the spawning thread's mask (a dispatch thread blocks some) and ignored signals, and a
        // Chromium deaf to SIGTERM would only stop at SIGKILL.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let failed = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard failed == 0 else {
            throw ReportRenderError("cannot start \(executable): \(String(cString: strerror(failed))); run Scripts/setup")
        }
        return ChildProcess(pid: pid, executable: executable)
    }

    /// The exit status when the program ends within `seconds` (128 + the signal when a signal
    /// ended it), looking every 20 ms; nil when it is still running at the deadline.
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return Self.exitStatus(status) }
            if reaped == -1 && errno != EINTR { return -1 }
            if Date() >= deadline { return nil }
            usleep(20_000)
        }
    }

    /// Stops the program: SIGTERM, then SIGKILL after 5 s, and reaps it.
    func stop() {
        kill(pid, SIGTERM)
        if wait(seconds: 5) == nil {
            kill(pid, SIGKILL)
            _ = wait(seconds: .infinity)
        }
    }

    /// WIFEXITED → WEXITSTATUS; WIFSIGNALED → 128 + WTERMSIG (as a shell reports it).
    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
