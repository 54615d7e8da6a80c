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
final class TestIndex: @unchecked Sendable {
    let directory: TempDirectory
    var root: String { directory.path }
    var corpus: String { root + "/corpus" }
    var index: String { root + "/index" }

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
        directory = try TempDirectory("server")
        try copyFile(Repository.corpus + "/" + Repository.corpusName("000"), to: corpus + "/a.txt")
        try copyFile(Repository.corpus + "/" + Repository.corpusName("001"), to: corpus + "/b.txt")
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
    private var mutex = pthread_mutex_t()
    private var _urls: [String] = []
    private var _lines: [String] = []

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    var output: ServerOutput {
        ServerOutput(listening: { url in self.locked { self._urls.append(url) } },
                     log: { line in self.locked { self._lines.append(line) } })
    }
    var urls: [String] { locked { _urls } }
    var lines: [String] { locked { _lines } }
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
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var sent = 0
    while sent < request.count {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { break }  // the server may close early (413): keep what it answered
        sent += n
    }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        answer.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: answer, as: UTF8.self)
}
