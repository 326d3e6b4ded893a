import Foundation

/// A `postgres://` or `postgresql://` store URL, read as libpq reads it (docs/CASE-STORE.md,
/// "PostgreSQL backend"): `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=…]`.
/// The password comes from the URL, else PGPASSWORD, else the password file (PGPASSFILE or
/// ~/.pgpass). It never appears in `location` or in any message.
struct PostgresURL: Sendable {
    /// libpq's `sslmode`.
    enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
    }

    let user: String
    let password: String?
    /// A host name or address, or a folder holding the server's Unix socket (starts with `/`).
    let host: String
    let port: Int
    let database: String
    let sslMode: SSLMode
    let sslRootCert: String?
    /// The URL as given, without its password: how messages name the store.
    let location: String
    /// A password file that exists but was not used because others may read it.
    let ignoredPasswordFile: String?

    static let defaultPort = 5432

    static func isPostgres(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    /// `HOST:PORT` for messages.
    var server: String { "\(host):\(port)" }

    init(_ string: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CaseStoreError) {
        let shape = "postgres://USER@HOST:PORT/DATABASE?sslmode=prefer"
        guard Self.isPostgres(string), var components = URLComponents(string: string) else {
            throw .invalidInput("the store URL is not a PostgreSQL URL (\(shape)): check --store / CUSTODY_STORE")
        }
        let user = components.user ?? environment["PGUSER"] ?? ProcessInfo.processInfo.userName
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGHOST"] ?? "localhost"
        let port = components.port ?? environment["PGPORT"].flatMap(Int.init) ?? Self.defaultPort
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? (environment["PGDATABASE"] ?? user) : path
        var sslMode = SSLMode.prefer
        var sslRootCert: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .invalidInput("the store URL's sslmode \"\(item.value ?? "")\" is not one of \(modes): fix --store / CUSTODY_STORE")
                }
                sslMode = mode
            case "sslrootcert":
                sslRootCert = item.value
            default:
                throw .invalidInput("the store URL has the parameter \"\(item.name)\", which Custody does not know (only sslmode and sslrootcert): fix --store / CUSTODY_STORE")
            }
        }
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert

        var ignoredFile: String?
        if let password = components.password {
            self.password = password
        } else if let password = environment["PGPASSWORD"] {
            self.password = password
        } else {
            let file = environment["PGPASSFILE"] ?? (NSHomeDirectory() + "/.pgpass")
            let lookup = Self.passwordFromFile(file, host: host, port: port, database: database, user: user)
            self.password = lookup.password
            ignoredFile = lookup.ignoredBecauseReadable ? file : nil
        }
        self.ignoredPasswordFile = ignoredFile
        components.password = nil
        self.location = components.string ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The password of the first matching line of a libpq password file
    /// (`host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped).
    /// Like libpq, a file that its group or others may read is not used.
    static func passwordFromFile(_ file: String, host: String, port: Int, database: String, user: String)
        -> (password: String?, ignoredBecauseReadable: Bool) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let mode = attributes[.posixPermissions] as? Int else { return (nil, false) }
        guard mode & 0o077 == 0 else { return (nil, true) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return (nil, false) }
        // libpq matches "localhost" for a connection over the default Unix socket.
        let hostName = host.hasPrefix("/") ? "localhost" : host
        let wanted = [hostName, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = splitPasswordLine(Substring(line))
            guard fields.count == 5 else { continue }
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return (fields[4], false) }
        }
        return (nil, false)
    }

    /// Splits on unescaped `:` and removes the backslash escapes.
    static func splitPasswordLine(_ line: Substring) -> [String] {
        var fields = [String]()
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
