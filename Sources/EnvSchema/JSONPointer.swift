import EnvProtocol

/// RFC 6901 JSON pointers in URI-fragment form (`#/$defs/Board`, `#`), the only `$ref`
/// form pydantic emits.
enum JSONPointer {
    /// The reference tokens of a fragment pointer, or nil when `reference` is not a local
    /// pointer (a remote URL, an `$anchor` name, malformed `~` escapes).
    static func tokens(ofFragment reference: String) -> [String]? {
        guard reference.hasPrefix("#") else { return nil }
        guard let decoded = percentDecoded(String(reference.dropFirst())) else { return nil }
        if decoded.isEmpty { return [] }
        guard decoded.hasPrefix("/") else { return nil }  // "#name": a plain-name anchor
        var tokens: [String] = []
        for raw in decoded.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let token = unescape(raw) else { return nil }
            tokens.append(token)
        }
        return tokens
    }

    /// The fragment pointer for tokens, escaped (`~0`, `~1`) but not percent-encoded.
    static func fragment(_ tokens: [String]) -> String {
        tokens.isEmpty ? "#" : "#/" + tokens.map(escape).joined(separator: "/")
    }

    static func appending(_ pointer: String, _ tokens: String...) -> String {
        (pointer == "#" ? "#" : pointer) + tokens.map { "/" + escape($0) }.joined()
    }

    /// The value the tokens point at inside `document`.
    static func resolve(_ tokens: [String], in document: JSONValue) -> JSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), index >= 0, index < items.count, String(index) == token else {
                    return nil
                }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    private static func escape(_ token: String) -> String {
        token.replacingAll("~", with: "~0").replacingAll("/", with: "~1")
    }

    private static func unescape(_ raw: Substring) -> String? {
        var result = ""
        var iterator = raw.makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "0": result.append("~")
            case "1": result.append("/")
            default: return nil
            }
        }
        return result
    }

    /// `%XX` sequences decoded as UTF-8 (a URI fragment may percent-encode, e.g. `%24defs`).
    private static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2, let high = hexValue(utf8.popFirst()!), let low = hexValue(utf8.popFirst()!) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` (stdlib only; no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
