import CaseStore
import Export
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import Workbench

/// `custody desk`: serves one case to browsers and scripts (docs/DESK.md).
public enum DeskServer {
    /// What `custody desk` was given.
    public struct Configuration: Sendable {
        /// The case folder or PostgreSQL URL (nil: $CUSTODY_STORE, else $CUSTODY_CASE).
        public var caseLocation: String?
        /// The station key that signs the desk's entries (nil: $CUSTODY_STATION_KEY, else the case's own).
        public var stationKey: String?
        /// `HOST:PORT`; `[v6]:PORT` for an IPv6 address.
        public var listen: String
        public var tlsCertificate: String?
        public var tlsKey: String?
        /// The program named in the records the desk prints.
        public var tool: ToolIdentity
        /// The folder of exported bundles offered for download (nil: none).
        public var bundles: String?

        public init(caseLocation: String?, stationKey: String?, listen: String = "127.0.0.1:8080", tlsCertificate: String? = nil, tlsKey: String? = nil,
                    tool: ToolIdentity = .running(name: "custody", version: ""), bundles: String? = nil) {
            self.caseLocation = caseLocation; self.stationKey = stationKey; self.listen = listen
            self.tlsCertificate = tlsCertificate; self.tlsKey = tlsKey; self.tool = tool; self.bundles = bundles
        }
    }

    /// Where the desk listens, checked against the TLS rule: anything but loopback needs TLS.
    public struct Listener: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var tls: TLSFiles?

        public struct TLSFiles: Sendable, Equatable {
            public var certificate: String
            public var key: String
        }

        public init(_ configuration: Configuration) throws(WorkbenchError) {
            let text = configuration.listen
            let host: Substring, portText: Substring
            if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") {
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
            } else if let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                throw WorkbenchError("--listen \(text) is not HOST:PORT: write e.g. 127.0.0.1:8080 or [::1]:8080")
            }
            guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
                throw WorkbenchError("--listen \(text) is not HOST:PORT with a port 0–65535 (0: any free port): write e.g. 127.0.0.1:8080")
            }
            self.host = String(host)
            self.port = port
            switch (configuration.tlsCertificate, configuration.tlsKey) {
            case let (certificate?, key?): tls = TLSFiles(certificate: certificate, key: key)
            case (nil, nil): tls = nil
            default: throw WorkbenchError("--tls-cert and --tls-key go together: pass both (the certificate chain and its private key, PEM)")
            }
            guard tls != nil || Self.isLoopback(self.host) else {
                throw WorkbenchError("--listen \(text) is not a loopback address and the desk has no TLS: pass --tls-cert FILE --tls-key FILE, or listen on 127.0.0.1")
            }
        }

        /// 127.0.0.0/8, ::1 and `localhost`: reachable from this machine only.
        static func isLoopback(_ host: String) -> Bool {
            if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
        }

        /// The server's TLS configuration from the PEM files.
        func tlsConfiguration(_ files: TLSFiles) throws(WorkbenchError) -> TLSConfiguration {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { NIOSSLCertificateSource.certificate($0) }
                let key = try NIOSSLPrivateKey(file: files.key, format: .pem)
                return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            } catch {
                throw WorkbenchError("cannot load the TLS certificate \(files.certificate) or key \(files.key) (\(error)): pass a PEM certificate chain and its PEM private key")
            }
        }
    }

    /// The application serving `desk` on `listener`; `started` gets the desk's URL once it
    /// listens (with the port the system chose for port 0).
    public static func application(desk: Desk, listener: Listener, started: @escaping @Sendable (String) -> Void = { _ in })
        throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder
        if let files = listener.tls { server = try .tls(.http1(), tlsConfiguration: try listener.tlsConfiguration(files)) } else { server = .http1() }
        let scheme = listener.tls == nil ? "http" : "https"
        let host = listener.host.contains(":") ? "[\(listener.host)]" : listener.host
        return Application(router: desk.router().0, server: server,
                           configuration: ApplicationConfiguration(address: .hostname(listener.host, port: listener.port), serverName: "custody-desk"),
                           onServerRunning: { channel in started("\(scheme)://\(host):\(channel.localAddress?.port ?? listener.port)/") },
                           logger: Desk.logger)
    }

    /// Opens the case and serves it until the process is stopped (SIGINT, SIGTERM).
    public static func run(_ configuration: Configuration, started: @escaping @Sendable (String) -> Void) async throws {
        let listener = try Listener(configuration)
        let store = try CaseAccess.open(configuration.caseLocation, stationKey: configuration.stationKey)
        try inCase { () throws(CaseStoreError) in try store.checkStationMaySign() }
        if let bundles = configuration.bundles {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: bundles, isDirectory: &isFolder), isFolder.boolValue else {
                throw WorkbenchError("--bundles \(bundles) is not a folder: give the folder `custody export --out FOLDER/NAME --zip` writes into")
            }
        }
        let desk = try Desk(store: store, secureCookies: listener.tls != nil, tool: configuration.tool, bundles: configuration.bundles)
        try await application(desk: desk, listener: listener, started: started).runService()
    }
}
