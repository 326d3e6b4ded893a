import CaseStore
import Wording

// TEMPORARY until the lead's CaseStore.language lands on main: remove this file at the merge.
extension CaseStore {
    public var language: Language? { nil }
}
