/// Locale-independent number labels: `12,345`, `1.2K`, `3.4M`.
public enum NumberFormatting {
    /// The value rounded to an integer, with comma thousands separators.
    public static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let rounded = Int64(value.rounded())
        return grouped(rounded)
    }

    /// An integer with comma thousands separators.
    public static func grouped(_ value: Int64) -> String {
        let negative = value < 0
        let digits = Array(String(value.magnitude))
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return negative ? "-" + out : out
    }

    /// A short axis label: `950`, `1.5K`, `20K`, `1.2M`.
    public static func compact(_ value: Double) -> String {
        let v = abs(value)
        let sign = value < 0 ? "-" : ""
        func trim(_ x: Double) -> String {
            let tenths = Int64((x * 10).rounded())
            return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
        }
        if v >= 999_950_000 { return sign + trim(v / 1_000_000_000) + "B" }
        if v >= 999_950 { return sign + trim(v / 1_000_000) + "M" }
        if v >= 1_000 { return sign + trim(v / 1_000) + "K" }
        return sign + trim(v)
    }
}
