import Foundation
import Synchronization
import Wording
import Workbench

/// One browser's session (docs/DESK.md, "Sessions"): a random 256-bit id (the cookie), the CSRF
/// token every form of the session carries, and the examiner once signed in.
public struct DeskSession: Sendable, Equatable {
    public let id: String
    public let csrfToken: String
    /// nil while anonymous: the login page's session, which only carries the login form's token.
    public var user: DeskUser?
    var lastSeen: Date
}

/// The desk's sessions, in memory only: a restart signs everyone out. A session unused for
/// `idleTimeout` is gone; signing in always starts a new session (a new id), so that an id
/// planted before the login is worth nothing after it.
public final class DeskSessions: Sendable {
    /// 30 minutes without a request.
    public static let defaultIdleTimeout: TimeInterval = 30 * 60
    /// The most sessions kept at once; the least recently used go first (anonymous ones cost a
    /// page load each, so a flood of them must not grow the memory without bound).
    static let capacity = 10_000

    public let idleTimeout: TimeInterval
    private let sessions = Mutex<[String: DeskSession]>([:])

    public init(idleTimeout: TimeInterval = DeskSessions.defaultIdleTimeout) { self.idleTimeout = idleTimeout }

    /// A new session: anonymous, or signed in as `user`.
    public func start(user: DeskUser? = nil, now: Date = Date()) -> DeskSession {
        let session = DeskSession(id: ExaminerAccess.randomText(bytes: 32), csrfToken: ExaminerAccess.randomText(bytes: 32),
                                  user: user, lastSeen: now)
        sessions.withLock { all in
            if all.count >= Self.capacity {
                let expired = all.filter { now.timeIntervalSince($0.value.lastSeen) > idleTimeout }.map(\.key)
                for id in expired { all[id] = nil }
                if all.count >= Self.capacity, let oldest = all.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key { all[oldest] = nil }
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session `id`, its idle clock restarted; nil when unknown or idle too long.
    public func session(_ id: String, now: Date = Date()) -> DeskSession? {
        sessions.withLock { all in
            guard var session = all[id] else { return nil }
            guard now.timeIntervalSince(session.lastSeen) <= idleTimeout else {
                all[id] = nil
                return nil
            }
            session.lastSeen = now
            all[id] = session
            return session
        }
    }

    public func end(_ id: String) { sessions.withLock { _ = $0.removeValue(forKey: id) } }

    /// Ends every session of `examiner` (a lockout, a new password).
    public func endAll(examiner: String) { sessions.withLock { all in all = all.filter { $0.value.user?.id != examiner } } }

    func setLanguage(_ language: Language, session id: String) { sessions.withLock { $0[id]?.user?.language = language } }
}
