import FoundationEssentials
import Hummingbird
import HummingbirdTesting
import IPSearch
import IPSearchIndex
@testable import IPSearchServer
import IPSearchTestSupport
import Testing
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A corpus and an index in a fresh temporary directory (never the repository's Index/).
///
/// The corpus: two real press releases copied from /work/main/Corpus (`a.txt`, `b.txt`) and one
/// document with front matter and a path that needs percent-encoding (`sub/dir/中.txt`).
final class TestIndex: CorpusDirectory, @unchecked Sendable {
    static let nestedID = "sub/dir/中.txt"
    static let nestedText = """
    ---
    title: 测试文档
    date: 2024-05-06
    source: https://example.org/press/7
    ---
    这是一篇关于地理标志保护的测试新闻稿，发布于二〇二四年。

    """

    /// - Parameter build: run the indexer now (false leaves `index` missing).
    init(build: Bool = true) throws {
        try super.init("server")
        try copyRepositoryCorpus { $0.hasPrefix("000") ? "a.txt" : $0.hasPrefix("001") ? "b.txt" : nil }
        try writeText(Self.nestedText, to: corpus + "/" + Self.nestedID)
        if build { try reindex() }
    }

    /// One index for the tests that only read it (built once, removed at exit).
    private static let sharedIndex = Result { () throws -> TestIndex in
        let index = try TestIndex()
        removeAtExit(index.root)
        return index
    }

    static func shared() throws -> TestIndex { try sharedIndex.get() }

    @discardableResult
    func reindex() throws -> IndexSummary {
        try Indexer.run(IndexOptions(corpus: corpus, index: index))
    }

    func addDocument(_ id: String, _ text: String) throws {
        try writeText(text, to: corpus + "/" + id)
    }

    func reader() throws -> IndexReader { try IndexReader(directory: index) }
}

/// Collects what the server writes (the URL line and log lines), thread-safe.
final class OutputCollector: @unchecked Sendable {
    private let _urls = Locked<[String]>([])
    private let _lines = Locked<[String]>([])

    var output: ServerOutput {
        ServerOutput(listening: { url in self._urls.modify { $0.append(url) } },
                     log: { line in self._lines.modify { $0.append(line) } })
    }
    var urls: [String] { _urls.get() }
    var lines: [String] { _lines.get() }
}

/// The app `ipsearch serve` runs, over `index`, writing into `collector`.
func makeApp(index: String, quiet: Bool = false, collector: OutputCollector = OutputCollector()) -> some ApplicationProtocol {
    buildApplication(ServerConfiguration(host: "127.0.0.1", port: 0, indexDirectory: index, quiet: quiet), output: collector.output)
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var bytes: [UInt8] { Array(body.readableBytesView) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(bytes))
    }

    /// The `code` of an error body (nil if the body is not the error shape).
    var errorCode: String? { (try? decode(APIError.ErrorBody.self))?.error.code }
    var errorMessage: String? { (try? decode(APIError.ErrorBody.self))?.error.message }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as UTF-8.
func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(b))
        default:
            let hex = Array("0123456789ABCDEF")
            out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
        }
    }
    return out
}

/// Any JSON value, to check documents whose shape is not a Swift type (the OpenAPI description).
indirect enum JSONValue: Decodable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var keys: Set<String> { Set(object?.keys.map { $0 } ?? []) }
}

/// Sends `request` as raw bytes on a new connection to `localhost` and reads the answer until the
/// server closes it (or 10 s pass): for what a well-behaved HTTP client refuses to send. Runs on a
/// Dispatch thread: blocking a cooperative thread could starve the server under test.
func rawExchange(port: Int, _ request: [UInt8]) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try blockingExchange(port: port, request) })
        }
    }
}

private func blockingExchange(port: Int, _ request: [UInt8]) throws -> String {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else {
        throw TestSupportError("getaddrinfo localhost failed")
    }
    defer { freeaddrinfo(list) }
    var candidate: UnsafeMutablePointer<addrinfo>? = first
    var fd: Int32 = -1
    while let info = candidate {
        let s = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        if s >= 0 && connect(s, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { fd = s; break }
        if s >= 0 { close(s) }
        candidate = info.pointee.ai_next
    }
    guard fd >= 0 else { throw TestSupportError("cannot connect to localhost:\(port)") }
    defer { close(fd) }
    return String(decoding: exchange(fd, request, timeout: 10), as: UTF8.self)
}
