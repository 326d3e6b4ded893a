import Testing
import SIMCard

@Suite struct OperatorDirectoryTests {
    let directory = OperatorDirectory.shared

    @Test(arguments: [
        ("01", "MobiFone"), ("02", "Vinaphone"), ("03", "S-Fone"), ("04", "Viettel Mobile"),
        ("05", "Vietnamobile"), ("06", "EVNTelecom"), ("07", "Gmobile"), ("08", "I-Telecom"), ("09", "REDDI"),
    ])
    func vietnam(mnc: String, brand: String) throws {
        let network = try #require(directory.lookup(mcc: "452", mnc: mnc))
        #expect(network.brand == brand)
        #expect(network.country == "Vietnam")
        #expect(network.countryCode == "VN")
    }

    @Test func viettel() throws {
        let viettel = try #require(directory.lookup(mcc: "452", mnc: "04"))
        #expect(viettel == NetworkOperator(
            mcc: "452", mnc: "04", countryCode: "VN", country: "Vietnam",
            brand: "Viettel Mobile", operatorName: "Viettel Telecom", status: "Operational"))
        #expect(viettel.displayName == "Viettel Mobile")
    }

    @Test func threeDigitMNC() throws {
        let att = try #require(directory.lookup(mcc: "310", mnc: "150"))
        #expect(att.displayName == "AT&T")
        #expect(att.operatorName == "AT&T Mobility")
    }

    @Test func exactStringMatch() {
        #expect(directory.lookup(mcc: "452", mnc: "4") == nil)
        #expect(directory.lookup(mcc: "452", mnc: "004") == nil)
        #expect(directory.lookup(mcc: "001", mnc: "01") != directory.lookup(mcc: "001", mnc: "001"))
    }

    @Test func quotedFieldsAndNamelessBrand() throws {
        #expect(directory.lookup(mcc: "213", mnc: "03")?.brand == "Som, Mobiland")
        let unistars = try #require(directory.lookup(mcc: "247", mnc: "06"))
        #expect(unistars.operatorName == #"SIA "UNISTARS""#)
        #expect(unistars.displayName == #"SIA "UNISTARS""#)
    }

    @Test func repeatedCodeKeepsFirstRow() {
        #expect(directory.lookup(mcc: "234", mnc: "03")?.country == "Guernsey (United Kingdom)")
    }

    @Test(arguments: [
        ("452040000000001", 2 as Int?),   // 452 04 only
        ("310150123456789", 3),            // 310 150 only
        ("310590123456789", nil),          // both 310 59 and 310 590 exist
        ("001010123456", 2),               // 001 01, no 001 010
        ("001001123456", 3),               // 001 001, no 001 00
        ("000001123456789", nil),          // unknown MCC
        ("452990000000001", nil),          // unknown MNC
    ])
    func mncLength(imsi: String, expected: Int?) throws {
        #expect(directory.mncLength(forIMSI: try IMSI(digits: imsi)) == expected)
    }

    @Test func parsesRFC4180() throws {
        let csv = "status,mnc,mcc,country_code,country,brand,operator\r\n"
            + "Operational,01,999,XX,\"Nowhere, Far\",\"Two\nLines\",\"Say \"\"hi\"\"\"\r\n"
            + "\r\n"
            + "Unknown,02,999,XX,Nowhere,,Plain"
        let directory = try OperatorDirectory(csv: csv)
        let first = try #require(directory.lookup(mcc: "999", mnc: "01"))
        #expect(first.country == "Nowhere, Far")
        #expect(first.brand == "Two\nLines")
        #expect(first.operatorName == #"Say "hi""#)
        #expect(first.status == "Operational")
        #expect(directory.lookup(mcc: "999", mnc: "02")?.displayName == "Plain")
    }

    @Test(arguments: [
        "mcc,mnc,country_code,country,brand,operator\n001,01,,,,,\n",           // missing column
        "mcc,mnc,country_code,country,brand,operator,status\n001,01,,,\n",      // short record
        "mcc,mnc,country_code,country,brand,operator,status\n001,01,,,a\"b,,\n", // stray quote
        "mcc,mnc,country_code,country,brand,operator,status\n001,01,,,\"a\"b,,\n", // text after quote
        "mcc,mnc,country_code,country,brand,operator,status\n001,01,,,\"ab,,\n", // unterminated
        "",
    ])
    func rejectsMalformedCSV(csv: String) {
        #expect(failsInvalid { _ = try OperatorDirectory(csv: csv) })
    }
}

@Suite struct IssuerDirectoryTests {
    let directory = IssuerDirectory.shared

    @Test func mobifone() throws {
        let issuer = try #require(directory.issuer(for: try ICCID(digits: "8984012345678901234")))
        #expect(issuer == SIMIssuer(
            prefix: "898401", countryCallingCode: "84", issuerIdentifier: "01",
            country: "Viet Nam", issuer: "MOBIFONE CORPORATION (MOBIFONE)"))
    }

    @Test(arguments: [
        ("89883100123456789012", "89883100", "MediaLincc Ltd"),
        ("89883109123456789012", "8988310", "Airnity SAS"),
        ("89883110123456789012", "89883110", "Syniverse Technologies, LLC"),
    ])
    func longestPrefixWins(iccid: String, prefix: String, issuer: String) throws {
        let found = try #require(directory.issuer(for: try ICCID(digits: iccid)))
        #expect(found.prefix == prefix)
        #expect(found.issuer == issuer)
    }

    @Test func unknownPrefix() throws {
        #expect(directory.issuer(for: try ICCID(digits: "000000000000000000")) == nil)
    }

    @Test func repeatedRowsCollapse() throws {
        let csv = """
            iin_prefix,country_calling_code,issuer_identifier,country,issuer
            8984,84,,Viet Nam,Short
            8984,84,,Viet Nam,Short
            898401,84,01,Viet Nam,Long

            """
        let directory = try IssuerDirectory(csv: csv)
        #expect(directory.issuer(for: try ICCID(digits: "898401000000000000"))?.issuer == "Long")
        #expect(directory.issuer(for: try ICCID(digits: "898402000000000000"))?.issuer == "Short")
    }

    @Test func rejectsNonDecimalPrefix() {
        let csv = "iin_prefix,country_calling_code,issuer_identifier,country,issuer\n89X1,1,1,A,B\n"
        #expect(failsInvalid { _ = try IssuerDirectory(csv: csv) })
    }
}
