import Foundation
import Testing

extension EndToEnd {
/// `custody desk` as a lab runs it: passwords and tokens set through the binary, the TLS rule,
/// a desk over HTTPS with a self-signed certificate made by openssl here, a login with a
/// browser's cookie and a script's token, all through curl. Port 18103 (the desk's test port).
@Suite struct DeskEndToEndTests {
    static let port = ProcessInfo.processInfo.environment["CUSTODY_DESK_TEST_PORT"] ?? "18103"

    struct Tokens: Decodable {
        var schema: String
        var tokens: [Token]
        struct Token: Decodable { var id: String; var examiner: String; var label: String; var revokedAt: Int? }
    }

    @Test func theDeskServesTheCaseOverTLSToAPasswordAndAToken() throws {
        let rig = try Rig.running()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("custody-desk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = root + "/case"
        let env = ["CUSTODY_CASE": dir, "CUSTODY_EXAMINER": "sup1", "CUSTODY_STATION_KEY": "", "DESK_PASSWORD": "mật khẩu đủ dài 2026"]
        func custody(_ args: [String], status: Int32 = 0) throws -> Rig.Output {
            let out = try rig.run("custody", args, environment: env)
            #expect(out.status == status, "custody \(args.joined(separator: " ")): \(out.stderr)")
            return out
        }
        _ = try custody(["case", "init", dir, "--name", "Op Lotus", "--agency", "C03", "--authority", "W-2026-17", "--examiner-name", "Nguyễn Văn A"])
        _ = try custody(["examiner", "add", "pros1", "--name", "Lê Kiểm Sát", "--role", "prosecutor"])
        _ = try custody(["examiner", "add", "tech1", "--name", "Phạm Kỹ Thuật", "--role", "technician"])
        _ = try custody(["examiner", "password", "sup1", "--password-env", "DESK_PASSWORD"])
        let short = try rig.run("custody", ["examiner", "password", "pros1", "--password-env", "SHORT"], environment: env.merging(["SHORT": "short"]) { $1 })
        #expect(short.status == 1 && short.stderr.contains("use at least 12"), "\(short.stderr)")
        let stored = ["case.sqlite", "case.sqlite-wal"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }.reduce(Data(), +)
        #expect(stored.range(of: Data("$2b$12$".utf8)) != nil, "the bcrypt hash is stored")
        #expect(stored.range(of: Data(env["DESK_PASSWORD"]!.utf8)) == nil, "never the password")

        // A prosecutor only reads: no custody event is written in their name.
        _ = try custody(["event", "seize", "EX-1", "--where", "Hà Nội", "--when", "2026-12-01", "--from", "Trần C"])
        let refused = try rig.run("custody", ["event", "note", "EX-1", "--text", "x", "--examiner", "pros1"], environment: env)
        #expect(refused.status == 1 && refused.stderr.contains("is a prosecutor, who only reads the case"), "\(refused.stderr)")

        let issued = try custody(["examiner", "token", "pros1", "--label", "nightly export"])
        let token = try #require(issued.stdout.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("custody_") && token.count == 8 + 64)
        let listed = try JSONDecoder().decode(Tokens.self, from: Data(custody(["examiner", "tokens", "pros1", "--json"]).stdout.utf8))
        #expect(listed.tokens.map(\.label) == ["nightly export"])
        #expect(!(try custody(["examiner", "tokens"]).stdout.contains(token)), "never the token itself")

        // The bundle exported as one ZIP, which the desk offers (--bundles) to the prosecutor.
        let bundles = root + "/bundles"
        try FileManager.default.createDirectory(atPath: bundles, withIntermediateDirectories: true)
        _ = try custody(["export", "--out", bundles + "/op-lotus", "--zip"])
        let zip = try Data(contentsOf: URL(fileURLWithPath: bundles + "/op-lotus.zip"))
        let noFolder = try rig.run("custody", ["desk", "--listen", "127.0.0.1:\(Self.port)", "--bundles", root + "/none"], environment: env)
        #expect(noFolder.status == 1 && noFolder.stderr.split(separator: "\n").count == 1 && noFolder.stderr.contains("is not a folder"), "\(noFolder.stderr)")

        // The TLS rule: one line, nothing served.
        let open = try rig.run("custody", ["desk", "--listen", "0.0.0.0:\(Self.port)"], environment: env)
        #expect(open.status == 1)
        #expect(open.stderr.split(separator: "\n").count == 1 && open.stderr.contains("is not a loopback address and the desk has no TLS"), "\(open.stderr)")

        // A self-signed certificate for 127.0.0.1, made here.
        let cert = root + "/desk.pem", key = root + "/desk.key"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=custody-desk-test",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0, "openssl makes the test certificate")

        let desk = try rig.start("custody", ["desk", "--listen", "127.0.0.1:\(Self.port)", "--tls-cert", cert, "--tls-key", key,
                                         "--bundles", bundles], environment: env)
        defer { desk.process.terminate(); _ = desk.wait() }
        let base = "https://127.0.0.1:\(Self.port)"
        try waitUntilServing(base + "/login", cert: cert)

        let jar = root + "/cookies.txt"
        func curl(_ arguments: [String]) throws -> (status: Int, headers: String, body: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["curl", "-s", "--cacert", cert, "-b", jar, "-c", jar, "-D", "-", "-o", root + "/body", "-w", "\n%{http_code}"] + arguments
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let status = Int(text.split(separator: "\n").last ?? "") ?? 0
            let body = (try? String(contentsOfFile: root + "/body", encoding: .utf8)) ?? ""
            return (status, text, body)
        }
        let login = try curl([base + "/login"])
        #expect(login.status == 200)
        #expect(login.headers.contains("Secure") && login.headers.contains("HttpOnly") && login.headers.contains("SameSite=Strict"), "\(login.headers)")
        #expect(login.headers.lowercased().contains("content-security-policy: default-src 'self'"))
        let csrf = try #require(login.body.range(of: #"name="csrf" value=""#).map { String(login.body[$0.upperBound...].prefix { $0 != "\"" }) })
        let wrong = try curl(["--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "examiner=sup1", "--data-urlencode", "password=wrong password!", base + "/login"])
        #expect(wrong.status == 401)
        let signedIn = try curl(["--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "examiner=sup1",
                                 "--data-urlencode", "password=mật khẩu đủ dài 2026", base + "/login"])
        #expect(signedIn.status == 303, "\(signedIn.headers)")
        let home = try curl([base + "/"])
        #expect(home.status == 200)
        #expect(home.body.contains("Nguyễn Văn A") && home.body.contains("Op Lotus"))

        let noCookie = Process()
        noCookie.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        noCookie.arguments = ["curl", "-s", "--cacert", cert, "-o", "/dev/null", "-w", "%{http_code}", base + "/"]
        let out = Pipe()
        noCookie.standardOutput = out
        try noCookie.run()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "303", "no session: to /login")
        noCookie.waitUntilExit()

        let download = try curl(["-H", "Authorization: Bearer \(token)", base + "/api/v1/bundles/op-lotus.zip"])
        #expect(download.status == 200 && download.headers.lowercased().contains("content-type: application/zip"), "\(download.headers)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/body")) == zip, "the prosecutor's token downloads the exported ZIP as written")

        // A technician's script reads the card in one of the station's readers into the case;
        // a prosecutor may not. The card sees no write and no PIN try.
        let reader = try rig.reader(profile: "usim-mobifone")
        try rig.control(reader, "reset-stats")
        let techToken = try #require(try custody(["examiner", "token", "tech1"]).stdout.split(separator: "\n").last.map(String.init))
        let readers = try curl(["-H", "Authorization: Bearer \(techToken)", base + "/api/v1/readers"])
        #expect(readers.status == 200 && readers.body.contains(reader.name), "\(readers.body)")
        let body = #"{"reader": "\#(reader.name)", "scope": "identity"}"#
        let byProsecutor = try curl(["-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "--data", body, base + "/api/v1/readers/read"])
        #expect(byProsecutor.status == 403, "\(byProsecutor.body)")
        let read = try curl(["-H", "Authorization: Bearer \(techToken)", "-H", "Content-Type: application/json", "--data", body, base + "/api/v1/readers/read"])
        #expect(read.status == 201, "\(read.body)")
        #expect(read.body.contains(#""label" : "SIM-\#(reader.expect.iccid)""#) && read.body.contains(#""complete" : true"#), "\(read.body)")
        let history = try custody(["history", "SIM-\(reader.expect.iccid)", "--json"])
        #expect(history.stdout.contains(#""action" : "sim.acquire""#) && history.stdout.contains(#""examiner" : "tech1""#), "\(history.stdout)")
        let stats = try rig.stats(reader)
        #expect(stats.writeClassAPDUs == 0 && stats.pinTriesConsumed == 0 && stats.pinPresentations == 0)

        #expect(try custody(["ledger", "verify", "--json"]).stdout.contains("\"valid\" : true"))
    }

    /// Polls `url` until the desk answers (at most 20 s).
    func waitUntilServing(_ url: String, cert: String) throws {
        for _ in 0..<100 {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            probe.arguments = ["curl", "-s", "-o", "/dev/null", "--cacert", cert, url]
            try probe.run()
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("the desk did not answer on \(url) within 20 s")
    }
}
}
