/// A file the page loads from ipsearch itself (`/assets/<name>`): no CDN, no web fonts.
///
/// The sources are `Sources/IPSearchWeb/assets/*`; `scripts/generate-web-assets` embeds them as string
/// literals in `WebAsset+generated.swift` (SwiftPM resources would need Foundation's `Bundle`). A test
/// checks that the embedded copies equal the files.
public struct WebAsset: Sendable {
    public let name: String
    public let contentType: String
    public let text: String
    /// A strong validator of the content (64-bit FNV-1a, hex, quoted).
    public let etag: String

    init(name: String, contentType: String, text: String) {
        self.name = name
        self.contentType = contentType
        self.text = text
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        etag = "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// Every asset the page uses.
    public static let all: [WebAsset] = generated

    public static func named(_ name: String) -> WebAsset? { all.first { $0.name == name } }

    /// `/assets/<name>`.
    public static func path(_ name: String) -> String { WebRoute.assetPrefix + name }
}
