import Foundation

/// Where the desk's templates, style sheet and scripts live: the `desk` resource folder of this
/// target (templates are Mustache, escaped by context; scripts are files under `static/`, never
/// inline, so the Content-Security-Policy can forbid inline script).
enum DeskResources {
    static var folder: URL { Bundle.module.url(forResource: "desk", withExtension: nil)! }
    /// Served as `/static/…` to everyone, signed in or not: the style sheet and the scripts.
    static var staticFolder: URL { folder.appendingPathComponent("static") }
}
