import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `virtual-sim modem`: a pool of virtual GSM/LTE modules on pseudo-terminals, each with a SIM
/// from a card profile (docs/CARD-PROFILES.md, "Virtual modem pool").
struct Modem: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modem",
        abstract: "Simulate a modem pool: one AT-speaking module per pseudo-terminal, each with a simulated SIM.",
        discussion: "Writes DIR/ports.tsv (index, port, dialect, profile, control, imei) and DIR/modem.pid; one control socket per port."
    )

    @Option(help: "Number of ports (1 to 256).") var ports: Int
    @Option(help: "State directory: ports.tsv, modem.pid, control sockets.") var dir: String
    @Option(parsing: .upToNextOption, help: "Card profiles (JSON) or \"empty\" (no SIM), assigned to the ports in turn.")
    var profiles: [String] = []
    @Option(parsing: .upToNextOption, help: "Dialects assigned to the ports in turn: \(ModemDialect.allCases.map(\.rawValue).joined(separator: ", ")) (default: all, in turn).")
    var dialects: [String] = []
    @Option(name: .customLong("latency-ms"), help: "Delay before each answer, in milliseconds.") var latencyMilliseconds = 0

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        guard (1...256).contains(ports) else { die("--ports must be 1 to 256, not \(ports)") }
        guard (0...60_000).contains(latencyMilliseconds) else { die("--latency-ms must be 0 to 60000, not \(latencyMilliseconds)") }
        guard !profiles.isEmpty else { die("--profiles needs at least one card profile or \"empty\" (e.g. Evidence/cards/usim-mobifone.json)") }
        let chosen: [ModemDialect] = dialects.isEmpty ? ModemDialect.allCases : dialects.map { name in
            guard let d = ModemDialect(rawValue: name) else {
                die("unknown dialect \"\(name)\": use \(ModemDialect.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return d
        }
        var loaded: [String: Profile] = [:]
        for path in profiles where path != "empty" && loaded[path] == nil {
            do { loaded[path] = try Profile.load(path: path) } catch { die("\(error)") }
        }
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            die("cannot create --dir \(dir): \(error.localizedDescription)")
        }

        var rows = ["index\tport\tdialect\tprofile\tcontrol\timei"]
        var sockets: [String] = []
        var pool: [ModemPort] = []
        for i in 0..<ports {
            let profilePath = profiles[i % profiles.count]
            let spec = PortSpec(dialect: chosen[i % chosen.count], profile: loaded[profilePath], latencyMilliseconds: latencyMilliseconds)
            let port: ModemPort
            let control = "\(dir)/modem\(i + 1).sock"
            do {
                port = try ModemPort(index: i + 1, spec: spec)
                let fd = try Control.listen(path: control)
                let state = port.state
                Control.serve(listenFD: fd) { state.handle($0) }
            } catch { die("\(error)") }
            sockets.append(control)
            pool.append(port)
            rows.append("\(i + 1)\t\(port.state.slavePath)\t\(spec.dialect.rawValue)\t\(profilePath)\t\(control)\t\(port.state.imei)")
        }
        let socketPaths = sockets
        let quit: @Sendable () -> Void = {
            for path in socketPaths { unlink(path) }
            Glibc.exit(0)
        }
        onSignal(SIGTERM, quit)
        onSignal(SIGINT, quit)
        for port in pool { port.start() }
        do {
            try "\(getpid())\n".write(toFile: "\(dir)/modem.pid", atomically: true, encoding: .utf8)
            // ports.tsv last and atomically: once it exists, every port answers.
            try (rows.joined(separator: "\n") + "\n").write(toFile: "\(dir)/ports.tsv", atomically: true, encoding: .utf8)
        } catch { die("cannot write \(dir)/ports.tsv: \(error.localizedDescription)") }
        dispatchMain()
    }
}
