import CICU

/// A document as the index keeps it to show and quote it: its display fields (`DocumentMeta`, in
/// `.meta`) and the decoded original text (deflated in `.store`), so snippets always quote exactly
/// the text that was indexed, even after the file changed.
public struct StoredDocument: Equatable, Sendable {
    public var meta: DocumentMeta
    public var text: String

    public init(meta: DocumentMeta, text: String) {
        self.meta = meta
        self.text = text
    }

    public var id: String { meta.id }
    public var title: String { meta.title }
    public var date: String? { meta.date }
    public var source: String? { meta.source }
    public var url: String? { meta.url }
    public var encoding: String { meta.encoding }
}

/// The `.store` record of a document: `text length varint (UTF-8 bytes) | zlib-deflated text`.
enum StoredText {
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
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

    static func decode(_ bytes: UnsafeRawBufferPointer) -> String? {
        var r = ByteReader(bytes)
        guard let length = r.varint(), length < 1 << 32 else { return nil }
        guard let compressed = r.bytes(r.remaining) else { return nil }
        let count = Int(length)
        let text: String? = count == 0 ? "" : String(unsafeUninitializedCapacity: count) { buffer in
            let n = cicu_inflate(compressed.baseAddress, compressed.count, buffer.baseAddress, count)
            return n == Int64(count) ? count : 0
        }
        guard let text, text.utf8.count == count else { return nil }
        return text
    }
}
