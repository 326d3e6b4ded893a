import Foundation
import Testing
import Workbench
@testable import Desk

/// `custody desk --listen`: loopback without TLS, anything else only with it.
@Suite struct DeskServerTests {
    func listener(_ listen: String, cert: String? = nil, key: String? = nil) throws(WorkbenchError) -> DeskServer.Listener {
        try DeskServer.Listener(.init(caseLocation: nil, stationKey: nil, listen: listen, tlsCertificate: cert, tlsKey: key))
    }

    @Test(arguments: ["127.0.0.1:8080", "127.1.2.3:18103", "localhost:80", "[::1]:8443", "127.0.0.1:0"])
    func loopbackNeedsNoTLS(listen: String) throws {
        #expect(try listener(listen).tls == nil)
    }

    @Test(arguments: ["0.0.0.0:8080", "192.168.1.10:8080", "[::]:8080", "desk.lab.local:443"])
    func anythingElseIsRefusedWithoutTLS(listen: String) throws {
        let error = #expect(throws: WorkbenchError.self) { try listener(listen) }
        #expect(error?.message.contains("is not a loopback address and the desk has no TLS: pass --tls-cert FILE --tls-key FILE") == true)
        #expect(try listener(listen, cert: "c.pem", key: "k.pem").tls == .init(certificate: "c.pem", key: "k.pem"))
    }

    @Test(arguments: ["8080", "127.0.0.1", "127.0.0.1:99999", ":8080", "::1:8080"])
    func aListenValueThatIsNotHostAndPortIsRefused(listen: String) {
        #expect(throws: WorkbenchError.self) { try listener(listen) }
    }

    @Test func aCertificateWithoutItsKeyIsRefused() {
        let error = #expect(throws: WorkbenchError.self) { try listener("127.0.0.1:8080", cert: "c.pem") }
        #expect(error?.message == "--tls-cert and --tls-key go together: pass both (the certificate chain and its private key, PEM)")
    }
}
