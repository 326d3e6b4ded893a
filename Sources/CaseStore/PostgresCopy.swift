/// What `case copy` needs of a PostgreSQL target beyond plain rows.
extension PostgresDatabase {
    /// Removes the case's tables again (a copy into this database failed). Best effort: the
    /// copy's error is what the user sees.
    func dropSchema() {
        _ = try? write { db in
            try db.execute("DROP TABLE IF EXISTS \(PostgresSchema.tables.joined(separator: ", ")) CASCADE", [])
        }
    }
}

extension CaseStore {
    /// After rows were copied with their checkpoint ids, the next checkpoint of a PostgreSQL
    /// case must be numbered after them (an identity column does not see explicit ids).
    static func restartCheckpointNumbering(_ db: any SQLExecutor) throws {
        try db.execute("SELECT setval(pg_get_serial_sequence('checkpoint', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM checkpoint", [])
    }
}
