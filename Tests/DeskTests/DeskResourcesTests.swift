import Foundation
import Testing
@testable import Desk

@Suite struct DeskResourcesTests {
    @Test func theStyleSheetShipsWithTheTarget() throws {
        let css = DeskResources.folder.appendingPathComponent("style.css")
        #expect(FileManager.default.fileExists(atPath: css.path))
    }
}
