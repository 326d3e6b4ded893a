/// Placeholder until the case store lands.
enum CaseStorePlaceholder {}
