import FoundationEssentials
import Hummingbird
import IPSearch
import IPSearchIndex

/// The page routes, in one place: `WebController` registers them and the server's route table
/// (`Endpoint`) refers to them. `**` is one or more path components, `{name}` one.
public enum WebRoute {
    public static let searchPage = "/"
    public static let documentPage = documentPrefix + "**"
    public static let asset = assetPrefix + "{name}"
    /// What a document page's path starts with (the id follows, percent-encoded).
    static let documentPrefix = "/view/"
    /// What an asset's path starts with (the file name follows).
    static let assetPrefix = "/assets/"
}

/// The pages people use: `/` (search), `/view/{id}` (a document) and `/assets/<name>`.
///
/// Pages are rendered on the server (results included, so they work without JavaScript) and sent
/// with a Content-Security-Policy that allows only ipsearch's own script and style: no inline script
/// could run even if some text escaped the escaping.
public struct WebController<Context: RequestContext>: Sendable {
    public static var contentSecurityPolicy: String { WebHeaders.contentSecurityPolicy }

    public let service: SearchService

    public init(service: SearchService) {
        self.service = service
    }

    public func addRoutes(to router: Router<Context>) {
        router.get(RouterPath(WebRoute.searchPage), use: searchPage)
        router.get(RouterPath(WebRoute.documentPage), use: documentPage)
        router.get(RouterPath(WebRoute.asset), use: asset)
    }

    /// `GET /?q=…&page=…`: the page, with the results of `q` when the server can compute them.
    @Sendable func searchPage(_ request: Request, context: Context) async throws -> Response {
        let state = PageState(query: request.uri.query)
        let (outcome, status) = await outcome(for: state)
        return WebHeaders.html(PageRenderer.searchPage(state, outcome: outcome), status: status)
    }

    func outcome(for state: PageState) async -> (PageRenderer.Outcome, HTTPResponse.Status) {
        if state.q.isEmpty { return (.home, .ok) }
        let options: SearchOptions
        do throws(SearchRequest.Invalid) { options = try state.searchOptions() } catch {
            return (.failure(error.description), .badRequest)
        }
        let result: SearchResult
        do throws(SearchError) {
            result = try await service.searchOnSearchThreads(state.q, options: options)
        } catch {
            switch error {
            case .query(let e): return (.failure(e.description), .ok)
            case .index(let e): return (.failure("索引不可用：" + e.description), .serviceUnavailable)
            }
        }
        guard let data = try? SearchResponse(result).jsonData(), let results = WebResults.decode(data) else {
            return (.failure("内部错误：无法读取结果"), .internalServerError)
        }
        return (.results(results), .ok)
    }

    /// `GET /view/<id>?q=…`: the document (its path segments may be percent-encoded).
    @Sendable func documentPage(_ request: Request, context: Context) async throws -> Response {
        let id = Self.documentID(fromPath: request.uri.path)
        let query = PageState(query: request.uri.query).q
        do {
            let searcher = try service.current()
            let parsed = query.isEmpty ? nil : try? service.parse(query)
            guard !id.isEmpty, let view = try searcher.document(id: id, query: parsed),
                  let data = try? DocumentResponse(view).jsonData(),
                  let document = WebDocument.decode(data) else {
                return WebHeaders.html(PageRenderer.documentPage(id: id, query: query, document: nil, message: "索引中没有这篇文档：" + id), status: .notFound)
            }
            return WebHeaders.html(PageRenderer.documentPage(id: id, query: query, document: document))
        } catch {
            return WebHeaders.html(PageRenderer.documentPage(id: id, query: query, document: nil, message: "索引不可用：" + error.description),
                             status: .serviceUnavailable)
        }
    }

    /// The id in `/view/<id>`: the segments after `view`, percent-decoded, joined with `/`.
    public static func documentID(fromPath path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).dropFirst()
            .map { FormEncoding.decodePath($0) }.joined(separator: "/")
    }

    /// `GET /assets/<name>`, revalidated by ETag (304 when unchanged).
    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        guard let name = context.parameters.get("name"), let asset = WebAsset.named(name) else {
            throw HTTPError(.notFound)
        }
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: asset.etag,
            .cacheControl: "no-cache",
            .xContentTypeOptions: "nosniff",
        ]
        if let tags = request.headers[.ifNoneMatch], tags.split(separator: ",").contains(where: { $0.trimmingSpaces() == asset.etag || $0.trimmingSpaces() == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(asset.text.utf8.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.text)))
    }
}

/// The headers of the pages.
public enum WebHeaders {
    /// Only ipsearch's own script, style and requests; no inline script or style, no framing.
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Sent with every page.
    public static var page: HTTPFields {
        var fields: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-cache",
        ]
        if let referrer = HTTPFields.Element.Name("Referrer-Policy") { fields[referrer] = "same-origin" }
        return fields
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: page, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
