extension StringProtocol {
    /// Without leading and trailing whitespace (including the ideographic space U+3000 and NBSP).
    func trimmed() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    /// The range of the last occurrence of `needle`.
    func lastRange(of needle: String) -> Range<Index>? {
        var found: Range<Index>?
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) {
                found = i..<index(i, offsetBy: needle.count)
            }
            i = index(after: i)
        }
        return found
    }
}
