import GRDB

/// The store's schema: GRDB migrations, never edited once shipped (add a new one instead).
/// `PRAGMA user_version` mirrors the number of migrations applied.
enum Schema {
    /// Schema version this Custody writes (the number of migrations it knows).
    static let version = 1

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "case_info") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("agency", .text).notNull()
                t.column("authority", .text).notNull()
                t.column("timeZone", .text).notNull()
                t.column("stationKey", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "ledger_entry") { t in
                t.primaryKey("seq", .integer)
                t.column("line", .blob).notNull()
            }
            try db.create(table: "examiner") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("seq", .integer).notNull()
            }
            try db.create(table: "item") { t in
                t.primaryKey("label", .text)
                t.column("type", .text).notNull()
                t.column("parent", .text)
                t.column("identifiers", .text).notNull()
                t.column("seq", .integer).notNull()
            }
            try db.create(table: "acquisition") { t in
                t.primaryKey("seq", .integer)
                t.column("item", .text).indexed()
                t.column("iccid", .text).indexed()
                t.column("scope", .text).notNull()
                t.column("complete", .boolean).notNull()
                t.column("contentSHA256", .text).notNull()
                t.column("transcriptSHA256", .text).notNull()
                t.column("recordSHA256", .text).notNull()
                t.column("record", .blob).notNull()
            }
            try db.create(table: "photo") { t in
                t.primaryKey("seq", .integer)
                t.column("item", .text).notNull().indexed()
                t.column("sha256", .text).notNull()
                t.column("path", .text).notNull()
                t.column("originalName", .text).notNull()
                t.column("bytes", .integer).notNull()
            }
            try db.create(table: "checkpoint") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("size", .integer).notNull()
                t.column("root", .text).notNull()
                t.column("note", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        return m
    }
}
