import Export
import Foundation
import Testing

/// `export --zip`: any unzip tool gives the bundle folder back byte for byte.
@Suite struct BundleZipTests {
    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runTool("/usr/bin/env", [tool] + arguments)
    }

    @Test func aZippedBundleUnzipsToTheSameFiles() throws {
        let f = try ExportFixture()
        defer { f.remove() }
        let r = try Exporter.export(store: f.store, options: .init(out: f.bundle("bundle"), zip: true, examiner: "sup1", tool: ToolIdentity(name: "custody", version: "test", build: "")))
        let zip = try #require(r.zip)
        #expect(zip == f.bundle("bundle.zip"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory).sorted() == ["bundle", "bundle.zip", "case"], "no temporary file left")
        let listing = try run("python3", ["-c", """
            import sys, zipfile, hashlib
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for i in z.infolist():
                assert i.compress_type == zipfile.ZIP_STORED and i.flag_bits & 0x800
                print(hashlib.sha256(z.read(i)).hexdigest() + "  " + i.filename)
            """, zip])
        #expect(listing.status == 0, "\(listing.output)")
        // The listing is the manifest's form: every file but the manifest equals MANIFEST.sha256.
        let manifest = try String(contentsOfFile: r.out + "/MANIFEST.sha256", encoding: .utf8)
        let lines = listing.output.split(separator: "\n").filter { !$0.hasSuffix("  MANIFEST.sha256") }.map(String.init)
        #expect(lines.joined(separator: "\n") + "\n" == manifest)
        let test = try run("unzip", ["-t", zip])
        #expect(test.status == 0 && test.output.contains("No errors detected"), "\(test.output)")
        // Never overwritten; equal folders give equal ZIPs.
        #expect(throws: BundleZip.Failure.self) { try BundleZip.writePartial(bundle: r.out, for: zip) }
        var again = try BundleZip.writePartial(bundle: r.out, for: zip + "2")
        try again.name()
        #expect(try Data(contentsOf: URL(fileURLWithPath: zip)) == Data(contentsOf: URL(fileURLWithPath: zip + "2")))
    }

    /// A 10x-scale bundle holds ~200,000 proofs: past 65,535 entries the ZIP64 end records carry the count.
    @Test func moreThan65535FilesUseZIP64EndRecords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zip64-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = dir + "/bundle/proofs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Python makes the 66,000 files in a second (Foundation's createFile takes a minute).
        let made = try run("python3", ["-c", "import sys\nfor i in range(66000): open(f'{sys.argv[1]}/{i}.tlog-proof', 'w').write(f'proof {i}\\n')", folder])
        try #require(made.status == 0, "\(made.output)")
        var partial = try BundleZip.writePartial(bundle: dir + "/bundle", for: dir + "/bundle.zip")
        try partial.name()
        let check = try run("python3", ["-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            names = z.namelist()
            assert len(names) == 66000, len(names)
            assert z.read("proofs/65999.tlog-proof") == b"proof 65999\\n"
            print("ok", len(names))
            """, dir + "/bundle.zip"])
        #expect(check.status == 0 && check.output.contains("ok 66000"), "\(check.output)")
    }
}
