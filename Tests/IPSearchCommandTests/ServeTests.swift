import Foundation
import IPSearchTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ipsearch serve` as a process: its URL line, a port in use, and shutdown on a signal.
@Suite struct ServeTests {
    /// stdout is exactly one line, the URL, once the socket is bound; the server answers there.
    @Test func urlLineThenAnswers() throws {
        let w = try Workspace.shared()
        let server = try Server(w, extra: ["--quiet"])
        defer { server.stop() }
        let url = try #require(server.urlLine(), "no URL line; stderr: \(server.child.stderr)")
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(url)")
        let port = try #require(Server.port(of: url))
        #expect(port > 0)
        let health = try #require(httpGet(port: port, "/health"))
        #expect(health.status == 200, "\(health.body)")
        #expect(health.body.contains(#""documents":\#(Repository.corpusDocumentCount)"#), "\(health.body)")
        #expect(server.child.stderr.contains("serving generation"), "\(server.child.stderr)")
        #expect(server.child.stdout == url + "\n", "stdout must hold only the URL line")
    }

    /// A port in use is exit 2 with a message naming host and port, alone (no "serving" line) and
    /// nothing on stdout.
    @Test func portInUseIsReportedAlone() throws {
        let w = try Workspace.shared()
        let first = try Server(w, extra: ["--quiet"])
        defer { first.stop() }
        let port = try #require(first.urlLine().flatMap(Server.port(of:)), "stderr: \(first.child.stderr)")

        let second = try Server(w, port: port, extra: ["--quiet"])
        let result = second.child.wait(timeout: 120)
        #expect(!result.timedOut && result.status == 2, "status \(result.status); stderr: \(result.stderr)")
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("--port 0 picks a free one"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("serving generation"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(first.child.isRunning)
    }

    /// SIGTERM and SIGINT stop the server gracefully: exit 0 and a last log line.
    @Test(arguments: [SIGTERM, SIGINT])
    func signalStopsTheServer(_ signal: Int32) throws {
        let w = try Workspace.shared()
        let server = try Server(w, extra: ["--quiet"])
        let port = try #require(server.urlLine().flatMap(Server.port(of:)), "stderr: \(server.child.stderr)")
        #expect(httpGet(port: port, "/health")?.status == 200)
        server.child.kill(signal)
        // The exit is the event waited for; the timeout only guards against a hang.
        let result = server.child.wait(timeout: 120)
        #expect(!result.timedOut, "the server did not stop on signal \(signal)")
        #expect(!result.signaled && result.status == 0, "status \(result.status), stderr: \(result.stderr)")
        #expect(result.stderr.contains("server stopped"), "stderr: \(result.stderr)")
        #expect(httpGet(port: port, "/health") == nil, "still answering after the exit")
    }
}
