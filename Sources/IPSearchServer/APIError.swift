import FoundationEssentials
import Hummingbird
import IPSearch
import IPSearchIndex

/// Every error the server answers, as one JSON shape:
///
/// ```json
/// {"error": {"code": "invalid_parameter", "message": "limit must be an integer between 1 and 100, not \"abc\""}}
/// ```
///
/// `code` is stable and machine-readable (the list is in `OpenAPI.json`); `message` tells a person what
/// to change. Hummingbird's own errors (no route, body too large) are converted by `ErrorMiddleware`.
public struct APIError: Error, HTTPResponseError, Equatable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra response headers (`Allow` for 405).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The JSON response, `Content-Type: application/json; charset=utf-8`.
    public func response() -> Response {
        var response = JSONResponse.make(status: status, body: ErrorBody(error: .init(code: code, message: message)))
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The wire format, for encoding here and decoding in tests.
    public struct ErrorBody: Codable, Equatable, Sendable {
        public struct Detail: Codable, Equatable, Sendable {
            public var code: String
            public var message: String
        }
        public var error: Detail
    }
}

// MARK: - The errors the server can answer

extension APIError {
    static func missingQuery() -> APIError {
        APIError(.badRequest, code: "missing_query", message: "the q parameter is missing: give the text to search for, e.g. /search?q=地理标志")
    }

    static func emptyQuery() -> APIError {
        APIError(.badRequest, code: "empty_query", message: "the q parameter is empty: give the text to search for, e.g. /search?q=地理标志")
    }

    static func queryTooLong(_ length: Int) -> APIError {
        APIError(.badRequest, code: "query_too_long", message: "the query is \(length) characters long; the limit is \(Query.maxLength)")
    }

    static func invalidParameter(_ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", message: message)
    }

    static func invalidEncoding(_ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_encoding", message: message)
    }

    static func notFound(_ path: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "no such endpoint: \(path) (see /openapi.json)")
    }

    static func documentNotFound(_ id: String) -> APIError {
        APIError(.notFound, code: "document_not_found", message: "no document with id \(id) in the index (ids are paths relative to the corpus, e.g. 002_85d345060cabbe51.txt)")
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String) -> APIError {
        APIError(.methodNotAllowed, code: "method_not_allowed", message: "\(method.rawValue) is not allowed on \(path): use GET",
                 headers: [.allow: "GET, HEAD"])
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", message: "request bodies are limited to \(limit) bytes; every endpoint is a GET without a body")
    }

    static func connectRefused() -> APIError {
        APIError(.methodNotAllowed, code: "method_not_allowed", message: "CONNECT is not allowed: this server is not a proxy; use GET, e.g. GET /search?q=%E4%B8%93%E5%88%A9",
                 headers: [.allow: "GET, HEAD"])
    }

    /// A request NIO's HTTP parser refused before routing (`MalformedRequestHandler`).
    static func malformedRequest(_ error: any Error, tooLong: Bool) -> APIError {
        if tooLong {
            return APIError(.badRequest, code: "bad_request",
                            message: "the request line or headers are longer than \(maxRequestHeadBytes / 1024) KB: no document id or query is that long (queries are at most \(Query.maxLength) characters)")
        }
        return APIError(.badRequest, code: "bad_request", message: "malformed HTTP request (\(error)): send an HTTP/1.1 GET such as GET /search?q=%E4%B8%93%E5%88%A9")
    }

    static func indexUnavailable(_ error: IndexError) -> APIError {
        APIError(.serviceUnavailable, code: "index_unavailable", message: error.description)
    }

    /// A refused query (SearchError.query) → 400; a missing or damaged index → 503.
    static func from(_ error: SearchError) -> APIError {
        switch error {
        case .index(let e): return .indexUnavailable(e)
        case .query(let e): return from(e)
        }
    }

    static func from(_ error: QueryError) -> APIError {
        switch error {
        case .empty: return .emptyQuery()
        case .tooLong(let n): return .queryTooLong(n)
        default: return APIError(.badRequest, code: "invalid_query", message: error.description)
        }
    }

    /// Hummingbird's errors and anything unexpected, in our shape.
    static func from(_ error: any Error, request: Request) -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? HTTPResponseError {
            var message = "\(e.status.code) \(e.status.reasonPhrase)"
            if let h = e as? HTTPError, let body = h.body { message = body }
            switch e.status {
            case .notFound: return .notFound(request.uri.path)
            case .contentTooLarge: return .bodyTooLarge(limit: maxRequestBodyBytes)
            case .methodNotAllowed: return .methodNotAllowed(request.method, request.uri.path)
            default:
                let code = e.status.code < 500 ? "bad_request" : "internal_error"
                var converted = APIError(e.status, code: code, message: message)
                if let h = e as? HTTPError { converted.headers = h.headers }
                return converted
            }
        }
        return APIError(.internalServerError, code: "internal_error", message: "internal error: \(error)")
    }
}

/// JSON bodies with the content type every endpoint answers.
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func make(status: HTTPResponse.Status = .ok, data: Data) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `body` as JSON; a body that cannot be encoded is answered as a 500 `internal_error` (never `{}`).
    static func make(status: HTTPResponse.Status = .ok, body: some Encodable) -> Response {
        do { return make(status: status, data: try encoded(body)) } catch {
            return make(status: .internalServerError, data: encodingFailure(error))
        }
    }

    /// `value` as JSON, or the `internal_error` body saying why it could not be encoded.
    static func encode(_ value: some Encodable) -> Data {
        do { return try encoded(value) } catch { return encodingFailure(error) }
    }

    private static func encoded(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// The error body for an answer that could not be encoded (written by hand: it cannot fail).
    private static func encodingFailure(_ error: any Error) -> Data {
        let reason = "\(error)".unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }
        return Data(#"{"error":{"code":"internal_error","message":"the answer could not be encoded as JSON: \#(String(String.UnicodeScalarView(reason)))"}}"#.utf8)
    }
}
