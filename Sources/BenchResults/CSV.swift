import Foundation

/// The CSV dialect of Python's `csv` module defaults, which wrote the seed's `summary.csv`:
/// comma-separated, `\r\n` line ends, fields quoted only when they need it.
public enum CSV {
    public static let lineEnd = "\r\n"

    public static func line(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + lineEnd
    }

    /// Splits one line (without its line end) into fields.
    public static func fields(of line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch (character, inQuotes) {
            case ("\"", true):
                if let next = iterator.next() {
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        inQuotes = false
                        if next == "," {
                            fields.append(field)
                            field = ""
                        } else {
                            field.append(next)
                        }
                    }
                } else {
                    inQuotes = false
                }
            case ("\"", false) where field.isEmpty: inQuotes = true
            case (",", false):
                fields.append(field)
                field = ""
            default: field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    /// A float as Python's `repr` writes it (`1.0`, `0.25`), which is also Swift's description.
    static func number(_ value: Double) -> String {
        value.description
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
