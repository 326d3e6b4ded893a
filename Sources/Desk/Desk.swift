import CaseStore
import Export
import Foundation
import Hummingbird
import Logging
import NIOPosix
import Wording
import Workbench

/// One running desk: the case it serves, its sessions and pages. Shared by every request
/// (`DeskContext.desk`).
public final class Desk: Sendable {
    public let store: CaseStore
    public let sessions: DeskSessions
    let pages: DeskPages
    /// The case's language: the pages' language for whoever chose none.
    public let caseLanguage: Language
    /// Under TLS the session cookie is `Secure`.
    let secureCookies: Bool
    /// The program named in the records the desk prints (`custody desk` gives its own).
    public let tool: ToolIdentity
    /// The scan station's bulk batches while the desk runs.
    let stationBatches = StationBatches()
    /// The dashboard, reused while the case is unchanged (`DashboardCache`).
    let dashboards = DashboardCache()
    /// The folder of exported bundles (`custody export --zip`) the desk offers for download
    /// (`custody desk --bundles DIR`); nil: none offered.
    let bundles: String?

    public init(store: CaseStore, secureCookies: Bool, sessions: DeskSessions = DeskSessions(),
                tool: ToolIdentity = .running(name: "custody", version: ""), bundles: String? = nil) throws {
        self.store = store
        self.bundles = bundles
        self.sessions = sessions
        self.secureCookies = secureCookies
        self.tool = tool
        pages = DeskPages()
        caseLanguage = try inCase { () throws(CaseStoreError) in try store.language() }
    }

    /// Runs `body` on NIO's thread pool (the store's calls and bcrypt block).
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// The examiner of an active token, with the desk language they chose.
    func user(token: String) async throws -> DeskUser? {
        try await blocking { [store, caseLanguage] in
            guard let examiner = try ExaminerAccess.authenticate(token: token, store: store) else { return nil }
            let chosen = try inCase { () throws(CaseStoreError) in try store.access(examiner: examiner.id)?.language }
            return DeskUser(examiner, language: chosen.flatMap(Language.init(rawValue:)) ?? caseLanguage)
        }
    }

    /// The router with the desk's middleware and every route: the access routes, the home
    /// page, and what `addRoutes` adds (the other pages').
    public func router(addRoutes: (DeskRoutes) -> Void = Desk.pageRoutes) -> (Router<DeskContext>, DeskRoutes) {
        let router = Router(context: DeskContext.self)
        router.add(middleware: DeskMiddleware(desk: self))
        router.add(middleware: FileMiddleware(DeskResources.staticFolder.path, urlBasePath: "/static", searchForIndexHtml: false, logger: Desk.logger))
        let routes = DeskRoutes(router: router)
        addAccessRoutes(routes)
        addHomeRoutes(routes)
        addRoutes(routes)
        return (router, routes)
    }

    /// The desk's log: notices and errors only (a request's failure, the server's own trouble),
    /// never a request's body.
    static let logger: Logger = {
        var logger = Logger(label: "custody-desk")
        logger.logLevel = .notice
        return logger
    }()

    /// The routes of the pages, the scan station and the API (each part adds its own here).
    public static func pageRoutes(_ routes: DeskRoutes) {
        addStationRoutes(routes)
        addAuditRoutes(routes)
        addDisposalRoutes(routes)
        addExaminerRoutes(routes)
        addBundleRoutes(routes)
        addReaderRoutes(routes)
        addItemAPIRoutes(routes)
        addReadingPages(routes)
    }
}

extension DeskUser {
    init(_ examiner: ExaminerRecord, language: Language) {
        self.init(id: examiner.id, name: examiner.name, role: examiner.role, language: language)
    }
}
