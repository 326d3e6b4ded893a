import ByteText
import Foundation
import SIMCard

/// The cards a run inserts, in order: profile files for `virtual-sim ctl insert PATH`.
enum Cards {
    /// `count` distinct simulated SIMs, so that every read is a first acquisition as in a real
    /// seizure: card *i* is base profile *i* mod *b* (Evidence/cards, sorted) with serial *i* in
    /// its ICCID and IMSI. The ICCID keeps its issuer prefix and length, its last 8 digits become
    /// the 7-digit serial and a Luhn check digit (deliberately wrong when the base's was, as in
    /// usim-t1); the IMSI keeps MCC + MNC and ends in the serial. EF.ICCID and every EF.IMSI
    /// (DF.GSM, ADF.USIM) get the new encodings, and `expect` the new digits; nothing else
    /// changes (docs/CARD-PROFILES.md: the simulator serves file contents as given).
    static func distinct(_ count: Int, bases: [String], into folder: String) throws -> [String] {
        guard count <= 10_000_000 else { throw BenchFailure("at most 10 000 000 distinct cards (7-digit serials)") }
        let templates = try bases.map { path in
            guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] else {
                throw BenchFailure("profile \(path) is not a JSON object")
            }
            return object
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try (0..<count).map { serial in
            var profile = templates[serial % templates.count]
            let base = bases[serial % bases.count]
            guard var expect = profile["expect"] as? [String: Any], let oldICCID = expect["iccid"] as? String,
                  let oldIMSI = expect["imsi"] as? String, var mf = profile["mf"] as? [String: Any] else {
                throw BenchFailure("profile \(base) has no expect.iccid / expect.imsi / mf")
            }
            let number = String(format: "%07d", serial)
            let iccid = try newICCID(replacing: oldICCID, serial: number)
            let imsi = try IMSI(digits: String(oldIMSI.dropLast(7)) + number)
            var replaced = (iccid: 0, imsi: 0)
            rewrite(&mf) { fid, contents in
                switch fid {
                case "2FE2": replaced.iccid += 1; return Hex.string(iccid.encoded)
                case "6F07": replaced.imsi += 1; return Hex.string(imsi.encoded)
                default: return contents
                }
            }
            guard replaced.iccid == 1, replaced.imsi >= 1 else {
                throw BenchFailure("profile \(base): expected one EF.ICCID and at least one EF.IMSI with contents")
            }
            expect["iccid"] = iccid.digits
            expect["imsi"] = imsi.digits
            profile["expect"] = expect
            profile["mf"] = mf
            profile["name"] = "\(profile["name"] as? String ?? "card")-\(number)"
            let path = "\(folder)/card-\(number).json"
            try JSONSerialization.data(withJSONObject: profile).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    /// The base ICCID with its last 8 digits replaced by `serial` and a check digit that is
    /// Luhn-valid exactly when the base's is.
    static func newICCID(replacing old: String, serial: String) throws -> ICCID {
        let base = try ICCID(digits: old)
        let body = String(old.dropLast(8)) + serial
        let valid = try (0...9).map { try ICCID(digits: body + String($0)) }.first(where: \.luhnValid)!
        if base.luhnValid { return valid }
        let wrong = (Int(String(valid.digits.last!))! + 1) % 10
        return try ICCID(digits: body + String(wrong))
    }

    /// Applies `change` to the `contents` of every transparent EF in the tree, by FID.
    static func rewrite(_ node: inout [String: Any], _ change: (String, String) -> String) {
        if node["type"] as? String == "ef", let fid = node["fid"] as? String, let contents = node["contents"] as? String {
            node["contents"] = change(fid.uppercased(), contents)
        }
        guard var children = node["children"] as? [[String: Any]] else { return }
        for i in children.indices { rewrite(&children[i], change) }
        node["children"] = children
    }
}
