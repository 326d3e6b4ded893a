/// A mobile network from the bundled MCC/MNC list (ITU-T E.212 assignments).
public struct NetworkOperator: Hashable, Sendable, Codable {
    public var mcc: String
    public var mnc: String
    /// ISO 3166-1 alpha-2, may be empty (test networks).
    public var countryCode: String
    public var country: String
    public var brand: String
    public var operatorName: String
    /// As published: "Operational", "Not operational", "Unknown", ...
    public var status: String

    public init(mcc: String, mnc: String, countryCode: String, country: String, brand: String, operatorName: String, status: String) {
        self.mcc = mcc; self.mnc = mnc; self.countryCode = countryCode; self.country = country
        self.brand = brand; self.operatorName = operatorName; self.status = status
    }

    /// The brand when there is one, else the operator's name.
    public var displayName: String { brand.isEmpty ? operatorName : brand }
}

/// MCC/MNC to operator, from `Resources/mcc-mnc.csv`
/// (`mcc,mnc,country_code,country,brand,operator,status`).
///
/// Codes are matched as exact strings: MNC "01" and "001" are different networks. When the
/// list holds several rows for one MCC/MNC (a network shared by territories, or a code reused
/// after a network closed), the first row in file order wins.
public struct OperatorDirectory: Sendable {
    public static let shared: OperatorDirectory = {
        let file = "mcc-mnc.csv"
        do { return try OperatorDirectory(csv: CSV.bundledText(file)) } catch {
            preconditionFailure("packaging bug: bundled \(file) does not parse: \(error)")
        }
    }()

    /// MCC, then MNC, to operator.
    private let networks: [String: [String: NetworkOperator]]

    public init(csv: String) throws(DecodeError) {
        let rows = try CSV.table(csv, file: "mcc-mnc.csv", columns: ["mcc", "mnc", "country_code", "country", "brand", "operator", "status"])
        var networks: [String: [String: NetworkOperator]] = [:]
        for row in rows {
            let network = NetworkOperator(
                mcc: row["mcc", default: ""], mnc: row["mnc", default: ""],
                countryCode: row["country_code", default: ""], country: row["country", default: ""],
                brand: row["brand", default: ""], operatorName: row["operator", default: ""],
                status: row["status", default: ""])
            if networks[network.mcc]?[network.mnc] == nil {
                networks[network.mcc, default: [:]][network.mnc] = network
            }
        }
        self.networks = networks
    }

    public func lookup(mcc: String, mnc: String) -> NetworkOperator? {
        networks[mcc]?[mnc]
    }

    /// The MNC length suggested by the directory when EF.AD does not give it: 3 when only a
    /// 3-digit MNC under the IMSI's MCC matches digits 4 to 6, 2 when only a 2-digit MNC
    /// matches digits 4 and 5, nil when both or neither match.
    public func mncLength(forIMSI imsi: IMSI) -> Int? {
        guard let known = networks[imsi.mcc] else { return nil }
        let twoDigits = known[imsi.mnc(length: 2)] != nil
        let threeDigits = known[imsi.mnc(length: 3)] != nil
        switch (twoDigits, threeDigits) {
        case (true, false): return 2
        case (false, true): return 3
        default: return nil
        }
    }
}
