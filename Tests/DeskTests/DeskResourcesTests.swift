import Foundation
import Testing
import Wording
@testable import Desk

@Suite struct DeskResourcesTests {
    @Test func theStyleSheetShipsWithTheTarget() throws {
        let css = DeskResources.staticFolder.appendingPathComponent("style.css")
        #expect(FileManager.default.fileExists(atPath: css.path))
    }

    /// Every `{{t.…}}` of every template names a catalog key of every language.
    @Test func everyWordOfTheTemplatesIsInEveryCatalog() throws {
        let folder = DeskResources.folder
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(names.contains("layout.mustache"))
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let keys = text.matches(of: /\{\{t\.([a-z0-9.\-]+)\}\}/).map { String($0.output.1) }
            for language in Language.allCases {
                let known = Set(CatalogFiles.entries(language).map(\.key))
                for key in keys { #expect(known.contains(key), "\(name): \(key) is not in the \(language) catalog") }
            }
        }
    }

    /// No template carries inline script or style: the CSP forbids them.
    @Test func noTemplateHasInlineScriptOrStyle() throws {
        let folder = DeskResources.folder
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).lowercased()
            #expect(!text.contains("<script>") && !text.contains("style=") && !text.contains("<style") && !text.contains(#/ on[a-z]+=/#), "\(name)")
        }
    }
}
