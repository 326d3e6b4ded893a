import ByteText

/// A TP-Service-Centre-Time-Stamp (TS 23.040 §9.2.3.11), also the layout of TP-DT and of an
/// absolute TP-VP: seven octets of swapped semi-octets, year, month, day, hour, minute,
/// second and time zone.
///
/// The time zone is the local time minus GMT in quarters of an hour. Its first semi-octet,
/// the *low* nibble of octet 7 (the tens), carries the sign in its top bit, bit 3 of the
/// octet: 0 positive, 1 negative. So +07:00 (28 quarters) is tens 2, units 8: octet `82`;
/// -03:00 (12 quarters) is tens 1 | sign 8, units 2: octet `29`.
///
/// The two-digit year is read as 2000 to 2099: short messages stored on SIMs postdate 2000.
public struct SMSTimestamp: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let encodedLength = 7

    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Local time minus GMT, in quarters of an hour (-79 to 79).
    public let timeZoneQuarterHours: Int

    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                timeZoneQuarterHours: Int) throws(DecodeError) {
        guard (2000...2099).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
              (-79...79).contains(timeZoneQuarterHours)
        else {
            throw .invalid(what: "SMS timestamp", why: "field out of range: \(year)-\(month)-\(day) \(hour):\(minute):\(second) tz \(timeZoneQuarterHours)")
        }
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.timeZoneQuarterHours = timeZoneQuarterHours
    }

    /// Decodes exactly seven octets.
    public init(decoding bytes: ArraySlice<UInt8>) throws(DecodeError) {
        guard bytes.count >= Self.encodedLength else {
            throw .truncated(what: "SMS timestamp", needed: Self.encodedLength, got: bytes.count)
        }
        guard bytes.count == Self.encodedLength else {
            throw .trailingBytes(what: "SMS timestamp", count: bytes.count - Self.encodedLength)
        }
        var fields: [Int] = []
        for byte in bytes.prefix(6) {
            let tens = byte & 0x0F, units = byte >> 4
            guard tens <= 9, units <= 9 else {
                throw .invalid(what: "SMS timestamp", why: "non-decimal semi-octet in \(Hex.string(bytes))")
            }
            fields.append(Int(tens) * 10 + Int(units))
        }
        let zone = bytes[bytes.startIndex + 6]
        let tens = zone & 0x07, units = zone >> 4
        guard units <= 9 else {
            throw .invalid(what: "SMS timestamp", why: "non-decimal time zone semi-octet in \(Hex.string(bytes))")
        }
        let quarters = Int(tens) * 10 + Int(units)
        try self.init(year: 2000 + fields[0], month: fields[1], day: fields[2], hour: fields[3],
                      minute: fields[4], second: fields[5],
                      timeZoneQuarterHours: zone & 0x08 != 0 ? -quarters : quarters)
    }

    public var encoded: [UInt8] {
        func swapped(_ value: Int) -> UInt8 { UInt8(value % 10) << 4 | UInt8(value / 10) }
        let quarters = abs(timeZoneQuarterHours)
        let zone = swapped(quarters) | (timeZoneQuarterHours < 0 ? 0x08 : 0)
        return [swapped(year % 100), swapped(month), swapped(day), swapped(hour), swapped(minute), swapped(second), zone]
    }

    /// ISO 8601 local time with its offset, e.g. `2021-10-05T14:30:00+07:00`.
    public var iso8601: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let offset = abs(timeZoneQuarterHours) * 15
        let sign = timeZoneQuarterHours < 0 ? "-" : "+"
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))\(sign)\(two(offset / 60)):\(two(offset % 60))"
    }

    public var description: String { iso8601 }
}
