import IPSearch
import IPSearchWeb
import Hummingbird
import Testing

@Suite struct PageStateTests {
    @Test func readsTheURLOfTheIssue() throws {
        // /?q=地理标志&since=2024&sort=newest&page=2, as a browser sends it.
        let s = PageState(query: "q=%E5%9C%B0%E7%90%86%E6%A0%87%E5%BF%97&since=2024&sort=newest&page=2")
        #expect(s == PageState(q: "地理标志", since: "2024", sort: "newest", page: 2))
        #expect(s.url == "/?q=%E5%9C%B0%E7%90%86%E6%A0%87%E5%BF%97&since=2024&sort=newest&page=2")
        #expect(s.offset == 10)
        let options = try s.searchOptions()
        #expect(options.sort == .newest)
        #expect(options.since.map(DateFilter.iso(days:)) == "2024-01-01")
        #expect(options.until == nil)
        #expect(options.offset == 10 && options.limit == 10)
        #expect(try PageState(q: "地理标志", page: 3).searchOptions().offset == 20)
        #expect(throws: SearchRequest.Invalid.self) { _ = try PageState(q: "专利", since: "2024-13").searchOptions() }
    }

    @Test func formsAndBadValues() {
        // `+` is a space; repeated sources are kept once; empty values, bad sort and page fall back.
        let s = PageState(query: "q=%E4%B8%93%E5%88%A9+%E6%B5%99%E6%B1%9F&source=a&source=&source=a&source=b&sort=best&page=0&until=&x=1")
        #expect(s == PageState(q: "专利 浙江", sources: ["a", "b"]))
        #expect(s.url == "/?q=%E4%B8%93%E5%88%A9%20%E6%B5%99%E6%B1%9F&source=a&source=b")
        #expect(PageState(query: "page=99999999999999999999999").page == 1)
        #expect(PageState(query: "page=-3").page == 1)
        #expect(PageState(query: "page=20000").page == PageState.maxPage)
        // Bad escapes and invalid UTF-8 do not fail the page.
        #expect(PageState(query: "q=%ZZ%E4").q == "%ZZ\u{FFFD}")
        #expect(PageState(query: nil) == PageState())
        #expect(PageState().url == "/")
    }

    @Test func pageNumbersKeepFirstLastAndNeighbours() {
        #expect(PageRenderer.pageNumbers(current: 1, count: 1) == [1])
        #expect(PageRenderer.pageNumbers(current: 1, count: 4) == [1, 2, 3, 4])
        #expect(PageRenderer.pageNumbers(current: 6, count: 20) == [1, 0, 4, 5, 6, 7, 8, 0, 20])
        // A gap of one page shows that page instead of "…".
        #expect(PageRenderer.pageNumbers(current: 5, count: 7) == [1, 2, 3, 4, 5, 6, 7])
        #expect(PageRenderer.pageNumbers(current: 3, count: 0) == [])
    }

    @Test func documentIDsInViewPaths() {
        #expect(PageRenderer.viewURL("sub/dir/中.txt", query: "地理") == "/view/sub/dir/%E4%B8%AD.txt?q=%E5%9C%B0%E7%90%86")
        #expect(WebController<BasicRequestContext>.documentID(fromPath: "/view/sub/dir/%E4%B8%AD.txt") == "sub/dir/中.txt")
        #expect(WebController<BasicRequestContext>.documentID(fromPath: "/view/a+b%2Fc.txt") == "a+b/c.txt")
        #expect(WebController<BasicRequestContext>.documentID(fromPath: "/view/") == "")
    }
}
