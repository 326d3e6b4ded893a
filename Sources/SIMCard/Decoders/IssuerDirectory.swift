/// A SIM issuer from the bundled ITU-T E.118 issuer identifier number list.
public struct SIMIssuer: Hashable, Sendable, Codable {
    /// The leading ICCID digits assigned to the issuer: "89", country calling code, issuer id.
    public var prefix: String
    public var countryCallingCode: String
    public var issuerIdentifier: String
    public var country: String
    public var issuer: String

    public init(prefix: String, countryCallingCode: String, issuerIdentifier: String, country: String, issuer: String) {
        self.prefix = prefix; self.countryCallingCode = countryCallingCode
        self.issuerIdentifier = issuerIdentifier; self.country = country; self.issuer = issuer
    }
}

/// ICCID prefix to issuer, from `Resources/e118-iin.csv`
/// (`iin_prefix,country_calling_code,issuer_identifier,country,issuer`).
///
/// Prefixes have different lengths (E.118 issuer identifiers are 1 to 4 digits after a 1 to 3
/// digit country code) and some nest, e.g. 8988310 and 89883100: the longest matching prefix
/// wins. Repeated rows are collapsed; if two rows ever gave one prefix different issuers, the
/// first in file order would win.
public struct IssuerDirectory: Sendable {
    public static let shared: IssuerDirectory = {
        let file = "e118-iin.csv"
        do { return try IssuerDirectory(csv: CSV.bundledText(file)) } catch {
            preconditionFailure("packaging bug: bundled \(file) does not parse: \(error)")
        }
    }()

    /// ICCID digits that stand for the issuer when the table does not list the prefix: "89", a
    /// 2-digit country code (84 for Vietnam) and a 2-digit issuer identifier.
    public static let unlistedPrefixLength = 6

    private let issuers: [String: SIMIssuer]
    private let prefixLengths: [Int]

    public init(csv: String) throws(DecodeError) {
        let rows = try CSV.table(csv, file: "e118-iin.csv", columns: ["iin_prefix", "country_calling_code", "issuer_identifier", "country", "issuer"])
        var issuers: [String: SIMIssuer] = [:]
        for row in rows {
            let issuer = SIMIssuer(
                prefix: row["iin_prefix", default: ""], countryCallingCode: row["country_calling_code", default: ""],
                issuerIdentifier: row["issuer_identifier", default: ""], country: row["country", default: ""],
                issuer: row["issuer", default: ""])
            guard !issuer.prefix.isEmpty, SwappedBCD.isDecimal(issuer.prefix) else {
                throw .invalid(what: "e118-iin.csv", why: "prefix \"\(issuer.prefix)\" is not a decimal number")
            }
            if issuers[issuer.prefix] == nil { issuers[issuer.prefix] = issuer }
        }
        self.issuers = issuers
        prefixLengths = Set(issuers.keys.map(\.utf8.count)).sorted(by: >)
    }

    /// The issuer with the longest prefix of the ICCID's digits, if any.
    public func issuer(for iccid: ICCID) -> SIMIssuer? {
        for length in prefixLengths where length <= iccid.digits.utf8.count {
            if let found = issuers[String(iccid.digits.prefix(length))] { return found }
        }
        return nil
    }
}
