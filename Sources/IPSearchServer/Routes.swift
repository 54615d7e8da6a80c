import IPSearchWeb
/// Every path the server answers, in one table: `SearchController.addRoutes` registers the JSON API
/// from it, `RequestGuardMiddleware` answers 405 for any of its paths asked with a method other than
/// GET or HEAD (the router alone would answer 404), and `OpenAPITests` checks that `/openapi.json`
/// documents exactly the API's paths. The web page's patterns are IPSearchWeb's `WebRoute`, which
/// its `WebController` registers (`RouteTableTests` checks that the router answers them).
enum Endpoint: String, CaseIterable, Sendable {
    // The JSON API, documented in /openapi.json.
    case search, document, health, stats, openAPI
    // The search page for people (IPSearchWeb).
    case searchPage, documentPage, asset

    /// The pattern given to Hummingbird's router (`**`: one or more path components).
    var routePattern: String {
        switch self {
        case .search: return "/search"
        case .document: return "/documents/**"
        case .health: return "/health"
        case .stats: return "/stats"
        case .openAPI: return "/openapi.json"
        case .searchPage: return WebRoute.searchPage
        case .documentPage: return WebRoute.documentPage
        case .asset: return WebRoute.asset
        }
    }

    /// The path as `/openapi.json` writes it; nil for the web page's routes, which it does not describe.
    var openAPIPath: String? {
        switch self {
        case .document: return "/documents/{id}"
        case .search, .health, .stats, .openAPI: return routePattern
        case .searchPage, .documentPage, .asset: return nil
        }
    }

    /// The JSON API's endpoints, in the order `/openapi.json` lists them.
    static var api: [Endpoint] { allCases.filter { $0.openAPIPath != nil } }

    /// The endpoint whose pattern matches `path`, like the router matches: empty path components are
    /// ignored (`/search/` is `/search`); `{name}` is any one component, `**` one or more.
    init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let match = Self.allCases.first(where: { $0.matches(parts) }) else { return nil }
        self = match
    }

    private func matches(_ parts: [Substring]) -> Bool {
        let pattern = routePattern.split(separator: "/", omittingEmptySubsequences: true)
        func same(_ p: Substring, _ part: Substring) -> Bool { p.hasPrefix("{") || p == part }
        if pattern.last == "**" {
            return parts.count >= pattern.count && zip(pattern.dropLast(), parts).allSatisfy(same)
        }
        return parts.count == pattern.count && zip(pattern, parts).allSatisfy(same)
    }
}
