import Foundation
import Hummingbird
import HummingbirdTesting
import IPSearch
import IPSearchIndex
@testable import IPSearchServer
import IPSearchTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP answer read off a socket.
struct RawAnswer {
    var status: Int
    var headers: [String: String]
    var body: String

    init(_ text: String) throws {
        guard let end = text.range(of: "\r\n\r\n") else { throw TestSupportError("no end of headers in \(text.prefix(200))") }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines.first ?? ""
        status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        body = String(text[end.upperBound...])
    }

    var error: APIError.ErrorBody? { try? JSONDecoder().decode(APIError.ErrorBody.self, from: Data(body.utf8)) }
}

/// What no well-behaved client sends: each answer is a 4xx with the JSON error body and a correct
/// Content-Length (they used to be a bare 400, or an empty unterminated 404 for CONNECT).
@Suite struct RefusedRequestTests {
    func exchange(_ request: [UInt8]) async throws -> RawAnswer {
        let index = try TestIndex()
        return try await makeApp(index: index.index).test(.live) { client in
            let answer = try RawAnswer(try await rawExchange(port: try #require(client.port), request))
            // The server still answers afterwards.
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            return answer
        }
    }

    func expectJSONError(_ answer: RawAnswer, status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == status, "\(answer.status) \(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.headers["content-type"] == "application/json; charset=utf-8", sourceLocation: sourceLocation)
        #expect(answer.headers["content-length"] == String(answer.body.utf8.count), sourceLocation: sourceLocation)
        #expect(answer.error?.error.code == code, "body: \(answer.body)", sourceLocation: sourceLocation)
        #expect((answer.error?.error.message.count ?? 0) > 10, sourceLocation: sourceLocation)
    }

    @Test func documentIDOf100000Characters() async throws {
        let ascii = try await exchange(Array("GET /documents/\(String(repeating: "a", count: 100_000)).txt HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        expectJSONError(ascii, status: 400, code: "bad_request")
        #expect(ascii.error?.error.message.contains("longer than") == true, "\(ascii.body)")
        let encoded = try await exchange(Array("GET /documents/\(String(repeating: "%E4%B8%93", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        expectJSONError(encoded, status: 400, code: "bad_request")
        // Raw UTF-8 in the request line (not percent-encoded): refused by the parser, JSON too.
        let raw = try await exchange(Array("GET /documents/\(String(repeating: "专", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        expectJSONError(raw, status: 400, code: "bad_request")
    }

    @Test func urlOfOneMegabyte() async throws {
        let answer = try await exchange(Array("GET /search?q=\(String(repeating: "a", count: 1 << 20)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        expectJSONError(answer, status: 400, code: "bad_request")
    }

    @Test func connect() async throws {
        let answer = try await exchange(Array("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n".utf8))
        expectJSONError(answer, status: 405, code: "method_not_allowed")
        #expect(answer.headers["allow"] == "GET, HEAD")
    }

    @Test func notHTTPAtAll() async throws {
        let answer = try await exchange(Array("\u{16}\u{03}\u{01} hello\r\n\r\n".utf8))
        expectJSONError(answer, status: 400, code: "bad_request")
    }

    /// Headers over the limit count too (a 90 KB cookie).
    @Test func oversizedHeader() async throws {
        let answer = try await exchange(Array("GET /health HTTP/1.1\r\nHost: x\r\nCookie: \(String(repeating: "c", count: 90_000))\r\n\r\n".utf8))
        expectJSONError(answer, status: 400, code: "bad_request")
    }
}

/// The server answers from the index only: never from the corpus directory.
@Suite struct ServedTextTests {
    /// `/documents/{id}` returns the stored text even after the file on disk changed; a symbolic link
    /// to a file outside the corpus is not indexed, so not served.
    @Test func documentsComeFromTheIndex() async throws {
        let index = try TestIndex(build: false)
        let outside = index.root + "/outside"
        try makeDirectory(outside)
        try writeText("机密文件:outsideq9。\n", to: outside + "/passwd")
        #expect(symlink(outside + "/passwd", index.corpus + "/passwd.txt") == 0)
        let summary = try index.reindex()
        #expect(summary.skipped.map(\.id) == ["passwd.txt"])
        let stored = try #require(try index.reader().document(id: "a.txt"))
        try writeText("磁盘上的新内容,尚未索引。\n", to: index.corpus + "/a.txt")

        try await makeApp(index: index.index).test(.router) { client in
            let a = try await client.execute(uri: "/documents/a.txt", method: .get)
            #expect(a.status == .ok)
            #expect(try a.decode(DocumentResponse.self) == DocumentResponse(DocumentView(document: stored)))
            let passwd = try await client.execute(uri: "/documents/passwd.txt", method: .get)
            #expect(passwd.status == .notFound)
            #expect(passwd.errorCode == "document_not_found")
            for uri in ["/documents/..%2Foutside%2Fpasswd", "/documents/%2Fetc%2Fpasswd", "/documents/../../etc/passwd"] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.status == .notFound, "\(uri)")
                #expect(!r.text.contains("outsideq9") && !r.text.contains("root:"), "\(uri)")
            }
            let search = try await client.execute(uri: "/search?q=outsideq9", method: .get)
            #expect(try search.decode(SearchResponse.self).total == 0)
        }
    }

    /// Deep paging with the largest offset does not overflow `offset + limit` in the library either.
    @Test func hugeOffsetInTheLibrary() throws {
        let index = try TestIndex()
        let service = SearchService(indexDirectory: index.index)
        for offset in [Int.max, Int.max - 5, 1 << 62] {
            let result = try service.search("知识产权", options: SearchOptions(limit: 10, offset: offset))
            #expect(result.hits.isEmpty)
            #expect(result.total >= 2)
        }
    }
}

// MARK: - The `ipsearch serve` process

/// `ipsearch serve` as a child process (the built executable, see `Repository.ipsearch()`).
final class ServeProcess: @unchecked Sendable {
    let child: ChildProcess

    /// Starts `[prefix…] ipsearch serve --port <port> --index <index> --quiet`.
    init(prefix: [String] = [], index: String, port: Int = 0, directory: String) throws {
        let command = prefix + [try Repository.ipsearch(), "serve", "--index", index, "--port", String(port), "--quiet"]
        child = try ChildProcess(command[0], Array(command.dropFirst()), outputDirectory: directory)
    }

    var stderr: String { child.stderr }
    var pid: Int32 { child.pid }
    var isRunning: Bool { child.isRunning }

    /// The port from the URL line, once printed (nil if the process exits first).
    func port() -> Int? {
        child.waitForOutput { stdout, _ in stdout.contains("\n") }
        guard let line = child.stdout.split(separator: "\n").first, let colon = line.lastIndex(of: ":") else { return nil }
        return Int(line[line.index(after: colon)...])
    }

    func stop() {
        if child.isRunning { child.kill(SIGTERM) }
        _ = child.wait(timeout: 60)
    }

    /// User plus system CPU seconds the process has used (/proc/<pid>/stat).
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

@Suite(.serialized) struct ServeProcessTests {
    /// With 128 descriptors and 200 idle connections, `/health` keeps answering and the server does
    /// not spin (it used to stop answering and burn half a core retrying `accept` on EMFILE).
    @Test func idleConnectionsDoNotExhaustDescriptors() throws {
        let candidates: [String] = ["/usr/bin/prlimit", "/bin/prlimit"]
        guard let prlimit = candidates.first(where: { access($0, X_OK) == 0 }) else {
            print("skipped: no prlimit on this machine")
            return
        }
        let index = try TestIndex()
        let server = try ServeProcess(prefix: [prlimit, "--nofile=128:128"], index: index.index, directory: index.root)
        defer { server.stop() }
        let port = try #require(server.port(), "no URL line; stderr: \(server.stderr)")

        var idle: [Int32] = []
        defer { for fd in idle { close(fd) } }
        for _ in 0..<200 {
            guard let fd = connectLoopback(port) else { break }
            idle.append(fd)
        }
        #expect(idle.count == 200)
        let cpuBefore = server.cpuSeconds
        let started = Date()
        // Ten health checks on fresh connections (each `get` waits up to 30 s: a failure guard only).
        for i in 0..<10 {
            #expect(httpGet(port: port, "/health")?.status == 200, "health check \(i) not answered; stderr: \(server.stderr)")
        }
        let elapsed = Date().timeIntervalSince(started)
        let cpu = server.cpuSeconds - cpuBefore
        print("200 idle connections, 128 descriptors: 10 health checks in \(elapsed) s, \(cpu) s CPU")
        // A spinning accept loop burns a core for the whole interval; answering ten requests does not.
        #expect(cpu < max(0.5, elapsed * 0.3))
        #expect(server.isRunning)
    }

    @Test func limitsFollowTheDescriptorLimit() {
        let small = ConnectionLimits(descriptorLimit: 128)
        #expect(small.maximum == 128 - ConnectionLimits.reserve)
        #expect(small.evictAbove < small.maximum && small.evictAbove > 0)
        #expect(ConnectionLimits(descriptorLimit: 10).maximum == 8)
        #expect(ConnectionLimits(descriptorLimit: 1 << 20).maximum > 100_000)
    }
}
