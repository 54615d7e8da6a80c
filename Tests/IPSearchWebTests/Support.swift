import FoundationEssentials
import Hummingbird
import IPSearch
import IPSearchIndex
import IPSearchWeb
#if canImport(Glibc)
import Glibc
#endif

/// The repository's five real press releases plus a hostile document, indexed in a fresh temporary
/// directory (never the repository's Index/).
final class WebTestIndex: @unchecked Sendable {
    let root: String
    var corpus: String { root + "/corpus" }
    var index: String { root + "/index" }

    /// A document whose title and body try to inject markup.
    static let hostileID = "xss/\"><img src=x onerror=alert(3)>注入.txt"
    static let hostileTitle = "<script>alert('标题')</script>\"><img src=x onerror=alert(1)>"
    static let hostileText = """
    ---
    title: \(hostileTitle)
    date: 2024-05-06
    source: 测试来源
    ---
    注入测试：<script>document.title='pwned'</script> 以及 "><img src=x onerror=alert(2)> 都必须原样显示。

    """

    init() throws {
        var template = Array("/tmp/ipsearch-web-test-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw WebTestError("mkdtemp failed: errno \(errno)") }
        root = String(cString: dir)
        try makeDirectory(corpus + "/xss")
        for name in Self.corpusFiles { try copyFile(Self.repositoryCorpus + "/" + name, to: corpus + "/" + name) }
        try writeFile(Self.hostileText, to: corpus + "/" + Self.hostileID)
        try Indexer.run(IndexOptions(corpus: corpus, index: index))
    }

    deinit { removeTree(root) }

    static let corpusFiles = [
        "000_bf973d473fa57c3a.txt", "001_95b0ff632a249898.txt", "002_85d345060cabbe51.txt",
        "003_7f0a613226203ee3.txt", "004_9aef3166641af20f.txt",
    ]

    /// Sources/IPSearchWeb and Corpus/, found from this file's path (Tests/IPSearchWebTests/…).
    static var repository: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
    static var repositoryCorpus: String { repository + "/Corpus" }
}

/// An app with only the web routes, as `buildRouter` adds them.
func makeWebApp(index: String) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    WebController(service: SearchService(indexDirectory: index)).addRoutes(to: router)
    return Application(router: router)
}

struct WebTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func makeDirectory(_ path: String) throws {
    var built = ""
    for part in path.split(separator: "/") {
        built += "/" + part
        if mkdir(built, 0o755) != 0 && errno != EEXIST { throw WebTestError("mkdir \(built): errno \(errno)") }
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw WebTestError("open \(path): errno \(errno)") }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return bytes
}

func writeFile(_ text: String, to path: String) throws {
    guard let f = fopen(path, "wb") else { throw WebTestError("create \(path): errno \(errno)") }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw WebTestError("write \(path) failed") }
}

func copyFile(_ from: String, to: String) throws {
    let bytes = try readFile(from)
    guard let f = fopen(to, "wb") else { throw WebTestError("create \(to): errno \(errno)") }
    defer { fclose(f) }
    guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw WebTestError("write \(to) failed") }
}

func removeTree(_ path: String) {
    guard let dir = opendir(path) else { unlink(path); return }
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
        if name == "." || name == ".." { continue }
        let child = path + "/" + name
        var st = stat()
        if lstat(child, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    closedir(dir)
    rmdir(path)
}

/// Counts non-overlapping occurrences of `needle`.
func occurrences(of needle: String, in haystack: String) -> Int {
    let h = Array(haystack.utf8), n = Array(needle.utf8)
    guard !n.isEmpty, h.count >= n.count else { return 0 }
    var count = 0, i = 0
    while i + n.count <= h.count {
        if h[i..<(i + n.count)].elementsEqual(n) { count += 1; i += n.count } else { i += 1 }
    }
    return count
}
