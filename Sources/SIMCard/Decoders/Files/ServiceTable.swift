/// The service table of a SIM or USIM: which optional services the card offers.
///
/// - EF.SST (DF.GSM 6F38, TS 51.011 §10.3.7): two bits per service, service n in byte
///   (n−1)/4 at bits 2((n−1) mod 4)+1 (allocated) and +2 (activated). A service is available
///   when both are set.
/// - EF.UST (ADF.USIM 6F38, TS 31.102 §4.2.8): one bit per service, service n in byte
///   (n−1)/8 at bit ((n−1) mod 8)+1; set means available.
///
/// `services` lists every service with a bit set, in number order.
public struct ServiceTable: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case sst, ust
    }

    public struct Service: Hashable, Sendable, Codable {
        public let number: Int
        public let name: String
        /// SST: the activated bit; UST: the service is available.
        public let activated: Bool
        /// SST: the allocated bit; nil for the UST, which has no such bit.
        public let allocated: Bool?
    }

    public let kind: Kind
    public let raw: [UInt8]
    public let services: [Service]

    public init(decoding bytes: ArraySlice<UInt8>, kind: Kind) throws(DecodeError) {
        // EF.SST is at least 2 bytes (TS 51.011 §10.3.7), EF.UST at least 1 (TS 31.102 §4.2.8).
        let raw = try FileBytes.atLeast(bytes, kind == .sst ? 2 : 1, kind == .sst ? "EF.SST" : "EF.UST")
        var services: [Service] = []
        switch kind {
        case .sst:
            for (index, byte) in raw.enumerated() {
                for slot in 0..<4 {
                    let bits = byte >> (2 * slot) & 0x03
                    guard bits != 0 else { continue }
                    let number = index * 4 + slot + 1
                    services.append(Service(number: number, name: Self.name(of: number, kind: .sst),
                                            activated: bits & 0x02 != 0, allocated: bits & 0x01 != 0))
                }
            }
        case .ust:
            for (index, byte) in raw.enumerated() {
                for bit in 0..<8 where byte >> bit & 0x01 != 0 {
                    let number = index * 8 + bit + 1
                    services.append(Service(number: number, name: Self.name(of: number, kind: .ust), activated: true, allocated: nil))
                }
            }
        }
        self.kind = kind
        self.raw = raw
        self.services = services
    }

    /// Whether service `number` is available: SST allocated and activated, UST bit set.
    public func isAvailable(_ number: Int) -> Bool {
        guard let service = services.first(where: { $0.number == number }) else { return false }
        return service.activated && (service.allocated ?? true)
    }

    /// The service's name from the specification, or "service n°N" for numbers not listed here.
    public static func name(of number: Int, kind: Kind) -> String {
        let table = kind == .sst ? sstNames : ustNames
        guard number >= 1, number <= table.count else { return "service n°\(number)" }
        return table[number - 1]
    }

    /// TS 51.011 §10.3.7, services 1 to 59.
    static let sstNames: [String] = [
        "CHV1 disable function", "Abbreviated Dialling Numbers (ADN)", "Fixed Dialling Numbers (FDN)",
        "Short Message Storage (SMS)", "Advice of Charge (AoC)", "Capability Configuration Parameters (CCP)",
        "PLMN selector", "RFU", "MSISDN", "Extension1", "Extension2", "SMS Parameters",
        "Last Number Dialled (LND)", "Cell Broadcast Message Identifier", "Group Identifier Level 1",
        "Group Identifier Level 2", "Service Provider Name", "Service Dialling Numbers (SDN)", "Extension3", "RFU",
        // 21–40
        "VGCS Group Identifier List (EF.VGCS and EF.VGCSS)", "VBS Group Identifier List (EF.VBS and EF.VBSS)",
        "enhanced Multi-Level Precedence and Pre-emption Service", "Automatic Answer for eMLPP",
        "Data download via SMS-CB", "Data download via SMS-PP", "Menu selection", "Call control", "Proactive SIM",
        "Cell Broadcast Message Identifier Ranges", "Barred Dialling Numbers (BDN)", "Extension4",
        "De-personalization Control Keys", "Co-operative Network List", "Short Message Status Reports",
        "Network's indication of alerting in the MS", "Mobile Originated Short Message control by SIM", "GPRS",
        "Image (IMG)", "SoLSA (Support of Local Service Area)",
        // 41–59
        "USSD string data object supported in Call Control", "RUN AT COMMAND command",
        "User controlled PLMN Selector with Access Technology", "Operator controlled PLMN Selector with Access Technology",
        "HPLMN Selector with Access Technology", "CPBCCH Information", "Investigation Scan",
        "Extended Capability Configuration Parameters", "MExE", "Reserved and shall be ignored", "PLMN Network Name",
        "Operator PLMN List", "Mailbox Dialling Numbers", "Message Waiting Indication Status",
        "Call Forwarding Indication Status", "Service Provider Display Information", "Multimedia Messaging Service (MMS)",
        "Extension 8", "MMS User Connectivity Parameters",
    ]

    /// TS 31.102 §4.2.8, services 1 to 100.
    static let ustNames: [String] = [
        "Local Phone Book", "Fixed Dialling Numbers (FDN)", "Extension 2", "Service Dialling Numbers (SDN)", "Extension3",
        "Barred Dialling Numbers (BDN)", "Extension4", "Outgoing Call Information (OCI and OCT)",
        "Incoming Call Information (ICI and ICT)", "Short Message Storage (SMS)", "Short Message Status Reports (SMSR)",
        "Short Message Service Parameters (SMSP)", "Advice of Charge (AoC)", "Capability Configuration Parameters 2 (CCP2)",
        "Cell Broadcast Message Identifier", "Cell Broadcast Message Identifier Ranges", "Group Identifier Level 1",
        "Group Identifier Level 2", "Service Provider Name", "User controlled PLMN selector with Access Technology",
        // 21–40
        "MSISDN", "Image (IMG)", "Support of Localised Service Areas (SoLSA)",
        "Enhanced Multi-Level Precedence and Pre-emption Service", "Automatic Answer for eMLPP", "RFU", "GSM Access",
        "Data download via SMS-PP", "Data download via SMS-CB", "Call Control by USIM", "MO-SMS Control by USIM",
        "RUN AT COMMAND command", "shall be set to 1", "Enabled Services Table", "APN Control List (ACL)",
        "Depersonalisation Control Keys", "Co-operative Network List", "GSM security context", "CPBCCH Information",
        "Investigation Scan",
        // 41–60
        "MExE", "Operator controlled PLMN selector with Access Technology", "HPLMN selector with Access Technology",
        "Extension 5", "PLMN Network Name", "Operator PLMN List", "Mailbox Dialling Numbers",
        "Message Waiting Indication Status", "Call Forwarding Indication Status", "Reserved and shall be ignored",
        "Service Provider Display Information", "Multimedia Messaging Service (MMS)", "Extension 8",
        "Call control on GPRS by USIM", "MMS User Connectivity Parameters", "Network's indication of alerting in the MS (NIA)",
        "VGCS Group Identifier List (EF.VGCS and EF.VGCSS)", "VBS Group Identifier List (EF.VBS and EF.VBSS)", "Pseudonym",
        "User Controlled PLMN selector for I-WLAN access",
        // 61–80
        "Operator Controlled PLMN selector for I-WLAN access", "User controlled WSID list", "Operator controlled WSID list",
        "VGCS security", "VBS security", "WLAN Reauthentication Identity", "Multimedia Messages Storage",
        "Generic Bootstrapping Architecture (GBA)", "MBMS security", "Data download via USSD and USSD application mode",
        "Equivalent HPLMN", "Additional TERMINAL PROFILE after UICC activation", "Equivalent HPLMN Presentation Indication",
        "Last RPLMN Selection Indication", "OMA BCAST Smart Card Profile", "GBA-based Local Key Establishment Mechanism",
        "Terminal Applications", "Service Provider Name Icon", "PLMN Network Name Icon",
        "Connectivity Parameters for USIM IP connections",
        // 81–100
        "Home I-WLAN Specific Identifier List", "I-WLAN Equivalent HPLMN Presentation Indication",
        "I-WLAN HPLMN Priority Indication", "I-WLAN Last Registered PLMN", "EPS Mobility Management Information",
        "Allowed CSG Lists and corresponding indications", "Call control on EPS PDN connection by USIM",
        "HPLMN Direct Access", "eCall Data", "Operator CSG Lists and corresponding indications", "Support for SM-over-IP",
        "Support of CSG Display Control", "Communication Control for IMS by USIM", "Extended Terminal Applications",
        "Support of UICC access to IMS", "Non-Access Stratum configuration by USIM", "PWS configuration by USIM", "RFU",
        "URI support by UICC", "Extended EARFCN support",
    ]
}
