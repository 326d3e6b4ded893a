import CaseStore
import Wording

/// The language a document is written in: the one asked for with `--lang`, else the case's
/// (`custody case init --language`).
public enum DocumentLanguage {
    public static func resolve(_ option: String?, store: CaseStore) throws(WorkbenchError) -> Language {
        if let option {
            do { return try Language(option: option) } catch { throw WorkbenchError(error.description) }
        }
        return try inCase { () throws(CaseStoreError) in try store.language() }
    }
}
