import SIMCard

/// The fewest APDUs that could learn the same facts as Custody's ID read (card type, ICCID,
/// IMSI with MNC length, applications, PIN1/PIN2/PUK1/PUK2 tries, PIN enabled flags) from this
/// card. Definitions and rationale: docs/BENCHMARKS.md ("Theoretical minimum").
///
/// Assumptions shared by every card type:
/// * the current DF at the start is unknown (PC/SC connects with SCARD_LEAVE_CARD, so a card
///   is not reset between sessions): the first selection must be absolute;
/// * sizes fixed by the specifications are not asked for: EF.ICCID 10 bytes, EF.IMSI 9 bytes,
///   EF.AD read with Le 4 (bytes 1-3 mandatory, byte 4 = MNC length); one corrected-length
///   resend is added only when this card's EF.AD is shorter than 4 bytes;
/// * a header (FCP / GET RESPONSE) is fetched only where it carries a fact or a size that no
///   specification fixes: EF.DIR (record count and length), the USIM ADF or else the MF (PIN
///   status template, tag C6), the classic DF.GSM (CHV1 enabled flag and the four counters);
/// * no Short File Identifiers (optional shortcut, counted separately in `withSFI`).
struct MinimumAPDUs: Encodable {
    enum AnswerStyle: String, Encodable {
        /// Headers come after 61xx / 9Fxx with a GET RESPONSE (T=0 transport).
        case getResponse = "T=0 (61xx/9Fxx + GET RESPONSE)"
        /// SELECT returns the header with 9000 at once (T=1 transport).
        case direct = "T=1 (header with 9000)"
    }

    struct Step: Encodable {
        var command: String
        var purpose: String
        var count: Int
    }

    var cardType: String
    var style: AnswerStyle
    var steps: [Step]
    var total: Int { steps.reduce(0) { $0 + $1.count } }
    /// UICC only: the same facts using READ BINARY by SFI (EF.ICCID 02, EF.IMSI 07, EF.AD 03)
    /// where the card supports it. Nil for classic SIMs (TS 51.011 has no SFI).
    var withSFI: Int?

    enum CodingKeys: String, CodingKey { case cardType, style, steps, total, withSFI }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cardType, forKey: .cardType); try c.encode(style, forKey: .style)
        try c.encode(steps, forKey: .steps); try c.encode(total, forKey: .total)
        try c.encodeIfPresent(withSFI, forKey: .withSFI)
    }

    /// Facts about the card the count depends on, taken from a completed ID read.
    struct CardShape {
        var dialect: CardDialect
        var style: AnswerStyle
        /// Records held by EF.DIR (UICC).
        var dirRecords: Int
        var hasUSIM: Bool
        /// Bytes in EF.AD, nil when unknown (not read).
        var adSize: Int?

        init(identity: SIMAcquisition, protocolName: String) {
            dialect = identity.cardType ?? .uicc
            // T=1 carries a case-4 answer in one exchange; T=0 needs 61xx/9Fxx + GET RESPONSE.
            style = protocolName == "T=1" ? .direct : .getResponse
            let dir = identity.files.first { $0.path == "3F00/2F00" }
            dirRecords = dir?.records?.count ?? 0
            hasUSIM = identity.applications.contains { $0.kind == .usim }
                && (identity.imsi?.path.hasPrefix("ADF.USIM") ?? false)
            adSize = identity.files.first { $0.name == "EF.AD" }?.contentBytes?.count
        }
    }

    init(_ card: CardShape) {
        cardType = card.dialect.rawValue
        style = card.style
        let header = card.style == .getResponse ? 1 : 0
        let shortAD = (card.adSize ?? 4) < 4 ? 1 : 0
        var s: [Step] = []
        switch card.dialect {
        case .uicc:
            s.append(.init(command: "00 A4 08 0C 02 2FE2", purpose: "select EF.ICCID by path from MF, no FCP (also proves class 00: UICC)", count: 1))
            s.append(.init(command: "00 B0 00 00 0A", purpose: "read ICCID (10 bytes, fixed size)", count: 1))
            s.append(.init(command: "00 A4 08 04 02 2F00", purpose: "select EF.DIR with FCP: record count and length", count: 1))
            if header == 1 { s.append(.init(command: "00 C0 00 00 xx", purpose: "GET RESPONSE for the EF.DIR FCP", count: 1)) }
            s.append(.init(command: "00 B2 nn 04 RL", purpose: "read every EF.DIR record (applications)", count: card.dirRecords))
            if card.hasUSIM {
                s.append(.init(command: "00 A4 04 04 Lc AID", purpose: "select ADF.USIM with FCP: PIN status template (enabled flags)", count: 1))
                if header == 1 { s.append(.init(command: "00 C0 00 00 xx", purpose: "GET RESPONSE for the ADF FCP", count: 1)) }
                s.append(.init(command: "00 A4 00 0C 02 6F07", purpose: "select EF.IMSI, no FCP", count: 1))
            } else {
                s.append(.init(command: "00 A4 00 04 02 3F00", purpose: "select MF with FCP: PIN status template (enabled flags)", count: 1))
                if header == 1 { s.append(.init(command: "00 C0 00 00 xx", purpose: "GET RESPONSE for the MF FCP", count: 1)) }
                s.append(.init(command: "00 A4 08 0C 04 7F20 6F07", purpose: "select DF.GSM/EF.IMSI by path, no FCP", count: 1))
            }
            s.append(.init(command: "00 B0 00 00 09", purpose: "read IMSI (9 bytes, fixed size)", count: 1))
            s.append(.init(command: "00 A4 00 0C 02 6FAD", purpose: "select EF.AD, no FCP", count: 1))
            s.append(.init(command: "00 B0 00 00 04", purpose: "read EF.AD bytes 1-4 (byte 4 = MNC length)", count: 1 + shortAD))
            s.append(.init(command: "00 20 00 01 / 00 20 00 81", purpose: "VERIFY without data: PIN1, PIN2 tries", count: 2))
            s.append(.init(command: "00 2C 00 01 / 00 2C 00 81", purpose: "UNBLOCK PIN without data: PUK1, PUK2 tries", count: 2))
        case .classicSIM:
            s.append(.init(command: "00 A4 08 0C 02 2FE2", purpose: "UICC probe, answered 6E00 (class 00 unsupported: classic SIM)", count: 1))
            s.append(.init(command: "A0 A4 00 00 02 3F00", purpose: "select MF (no path selection in TS 51.011), header not fetched", count: 1))
            s.append(.init(command: "A0 A4 00 00 02 2FE2", purpose: "select EF.ICCID, header not fetched", count: 1))
            s.append(.init(command: "A0 B0 00 00 0A", purpose: "read ICCID (10 bytes, fixed size)", count: 1))
            s.append(.init(command: "A0 A4 00 00 02 7F20", purpose: "select DF.GSM", count: 1))
            if header == 1 { s.append(.init(command: "A0 C0 00 00 xx", purpose: "GET RESPONSE: DF.GSM header (CHV1 enabled, CHV/UNBLOCK CHV counters)", count: 1)) }
            s.append(.init(command: "A0 A4 00 00 02 6F07", purpose: "select EF.IMSI, header not fetched", count: 1))
            s.append(.init(command: "A0 B0 00 00 09", purpose: "read IMSI (9 bytes, fixed size)", count: 1))
            s.append(.init(command: "A0 A4 00 00 02 6FAD", purpose: "select EF.AD, header not fetched", count: 1))
            s.append(.init(command: "A0 B0 00 00 04", purpose: "read EF.AD bytes 1-4 (byte 4 = MNC length)", count: 1 + shortAD))
        }
        steps = s.filter { $0.count > 0 }
        if card.dialect == .uicc {
            // EF.DIR selected by path first (MF becomes current), ICCID by SFI 02, records,
            // ADF (or MF) header, IMSI by SFI 07 (DF.GSM needs a select), AD by SFI 03, 4 queries.
            let imsiAndAD = card.hasUSIM ? 2 : 3
            withSFI = (1 + header) + 1 + card.dirRecords + (1 + header) + imsiAndAD + shortAD + 4
        }
    }
}
