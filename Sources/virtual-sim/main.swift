import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// virtual-sim: a SIM/UICC simulator speaking the vpcd protocol (docs/CARD-PROFILES.md).
struct VirtualSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "virtual-sim",
        abstract: "Simulate a SIM/UICC card in a vpcd reader slot (pcscd + vsmartcard-vpcd), or a modem pool on pseudo-terminals.",
        subcommands: [Run.self, Modem.self, Ctl.self],
        defaultSubcommand: Run.self
    )
}

/// Prints one line on stderr and exits with `code`.
func die(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("virtual-sim: \(message)\n".utf8))
    exit(code)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the simulator (the default).")

    @Option(help: "Card profile (JSON), e.g. Evidence/cards/usim-mobifone.json.") var profile: String
    @Option(help: "vpcd host.") var host = "127.0.0.1"
    @Option(help: "vpcd slot port (DEVICENAME port + slot index).") var port: UInt16 = 35963
    @Option(help: "Append one JSON line per APDU to this file.") var log: String?
    @Option(help: "Unix-domain control socket path.") var control: String?
    @Flag(help: "Start with the card removed (insert it through the control socket or SIGUSR2).") var removed = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let loaded: Profile
        do { loaded = try Profile.load(path: profile) } catch { die("\(error)") }
        let apduLog: APDULog?
        do { apduLog = try log.map { path throws(ProfileError) in try APDULog(path: path) } } catch { die("\(error)") }
        let state = SimState(inserted: !removed, profileName: loaded.name, profilePath: profile)
        if let control {
            let fd: Int32
            do { fd = try Control.listen(path: control) } catch { die("\(error)") }
            Control.serve(listenFD: fd) { Control.handle($0, state: state) }
        }
        installSignals(state: state, controlPath: control)
        let link = VPCDLink(host: host, port: port, state: state, log: apduLog, card: Card(profile: loaded))
        link.run()
    }
}

/// Signal sources live for the whole process; DispatchSource handlers run on a global queue.
/// `nonisolated(unsafe)`: written once here before any handler can run, never mutated after.
nonisolated(unsafe) private var signalSources: [DispatchSourceSignal] = []

/// Runs `body` on a queue of its own whenever `sig` arrives (installed before any thread starts).
func onSignal(_ sig: Int32, _ body: @escaping @Sendable () -> Void) {
    signal(sig, SIG_IGN)
    let s = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue(label: "virtual-sim.signal.\(sig)"))
    s.setEventHandler(handler: body)
    s.resume()
    signalSources.append(s)
}

private func installSignals(state: SimState, controlPath: String?) {
    onSignal(SIGUSR1) { state.remove() }
    onSignal(SIGUSR2) { _ = state.insert(profilePath: nil, wait: 0) }
    let quit: @Sendable () -> Void = {
        state.remove()
        if let controlPath { unlink(controlPath) }
        exit(0)
    }
    onSignal(SIGTERM, quit)
    onSignal(SIGINT, quit)
}

struct Ctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Send one command to a running simulator and print its JSON reply.",
        discussion: """
            Card commands: stats, remove, insert [PROFILE], remove-after N, mute-after N, garbage-after N, fuzz SEED, misbehave NAME, reset-stats.
            Modem port commands: stats, reset-stats, reboot, reboot-after N, mute-after N, garbage-after N, clear, latency MS, urc LINE.
            """
    )

    @Option(help: "The simulator's control socket.") var control: String
    @Argument(help: "The command and its argument.") var command: [String]

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let fd: Int32
        do { fd = try Control.connectUnix(path: control) } catch { die("\(error)") }
        defer { close(fd) }
        guard Sock.sendAll(fd, Array((command.joined(separator: " ") + "\n").utf8)) else {
            die("control socket \(control): \(Sock.errorText())")
        }
        var reply: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 4096, 0) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            reply += buf[0..<n]
        }
        let text = String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .newlines)
        guard !text.isEmpty else { die("control socket \(control): no reply") }
        print(text)
        if text.hasPrefix("{\"ok\":false") { throw ExitCode(1) }
    }
}

VirtualSim.main()
