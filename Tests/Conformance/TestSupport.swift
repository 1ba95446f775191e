import EnvProtocol

/// A session of 12 lowercase hex characters.
func isSessionHash(_ value: JSONValue?) -> Bool {
    guard let text = value?.stringValue, text.count == 12 else { return false }
    return text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
}
