import IPSearch

/// What a search may ask for, for both front ends: the HTTP API (`SearchController`) and the
/// `ipsearch search` command validate against these same ranges.
public enum RequestLimits {
    /// Characters per snippet window (`snippet_length`, `--snippet-length`).
    public static let snippetLength: ClosedRange<Int> = 10...2000
    /// Snippet windows per hit (`snippets`, `--snippets`).
    public static let snippetCount: ClosedRange<Int> = 0...10
    /// Hits to skip: deep paging costs a top-k of offset + limit (`offset`, `--offset`).
    public static let offset: ClosedRange<Int> = 0...SearchOptions.maxOffset
    /// Hits per page over HTTP (a web page needs no more).
    public static let httpLimit: ClosedRange<Int> = 1...100
    /// Hits per page on the command line.
    public static let commandLineLimit: ClosedRange<Int> = 1...SearchOptions.maxLimit
}
