import FoundationEssentials
import Hummingbird
import IPSearch
import IPSearchIndex
import IPSearchWeb
import IPSearchTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The repository's five real press releases plus a hostile document, indexed in a fresh temporary
/// directory (never the repository's Index/).
final class WebTestIndex: CorpusDirectory, @unchecked Sendable {
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
        try super.init("web")
        try copyRepositoryCorpus()
        try writeText(Self.hostileText, to: corpus + "/" + Self.hostileID)
        _ = try Indexer.run(IndexOptions(corpus: corpus, index: index))
    }

    /// The package checkout (for Sources/IPSearchWeb/assets).
    static var repository: String { Repository.root }
}

/// An app with only the web routes, as `buildRouter` adds them.
func makeWebApp(index: String) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    WebController(service: SearchService(indexDirectory: index)).addRoutes(to: router)
    return Application(router: router)
}
