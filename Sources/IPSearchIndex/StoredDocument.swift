import CICU

/// What the index keeps of a document to show and quote it: the decoded original text (deflated on
/// disk), so snippets always quote exactly the text that was indexed, even after the file changed.
public struct StoredDocument: Equatable, Sendable {
    /// Path relative to the corpus directory, `/`-separated.
    public var id: String
    public var title: String
    public var date: String?
    public var source: String?
    /// The encoding the file was decoded from.
    public var encoding: String
    public var text: String

    public init(id: String, title: String, date: String?, source: String?, encoding: String, text: String) {
        self.id = id
        self.title = title
        self.date = date
        self.source = source
        self.encoding = encoding
        self.text = text
    }

    /// Serializes: id, title, date, source, encoding (varint-prefixed UTF-8), the text's UTF-8
    /// length, then the deflated text.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.appendString(id)
        out.appendString(title)
        out.appendString(date ?? "")
        out.appendString(source ?? "")
        out.appendString(encoding)
        var text = text
        text.withUTF8 { utf8 in
            VarInt.append(UInt64(utf8.count), to: &out)
            let bound = cicu_deflate_bound(utf8.count)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: bound))
            let n = out.withUnsafeMutableBytes { dst in
                cicu_deflate(utf8.baseAddress, utf8.count, dst.baseAddress! + start, bound)
            }
            out.removeLast(bound - Int(max(n, 0)))
        }
        return out
    }

    /// Reads only the id (the indexer's change detection needs no text).
    static func decodeID(_ bytes: UnsafeRawBufferPointer) -> String? {
        var r = ByteReader(bytes)
        return r.string()
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> StoredDocument? {
        var r = ByteReader(bytes)
        guard let id = r.string(), let title = r.string(), let date = r.string(), let source = r.string(),
              let encoding = r.string(), let length = r.varint(), length < 1 << 32 else { return nil }
        guard let compressed = r.bytes(r.remaining) else { return nil }
        let count = Int(length)
        let text: String? = count == 0 ? "" : String(unsafeUninitializedCapacity: count) { buffer in
            let n = cicu_inflate(compressed.baseAddress, compressed.count, buffer.baseAddress, count)
            return n == Int64(count) ? count : 0
        }
        guard let text, text.utf8.count == count else { return nil }
        return StoredDocument(id: id, title: title, date: date.isEmpty ? nil : date,
                              source: source.isEmpty ? nil : source, encoding: encoding, text: text)
    }
}
