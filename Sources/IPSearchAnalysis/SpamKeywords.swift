/// The built-in spam vocabulary of `SpamFilter`, as data.
///
/// Source: compiled by the ipsearch authors from the strings injected into real pages of our corpus
/// (`Corpus/002_85d345060cabbe51.txt`: `包養網`, `包養甜心網`, `包養俱樂部`, `一包養經驗`, `包養網VIP`,
/// `包養價格ptt`, `包養網車馬費`, `包養站長`, `包養意思`, `包養網心得`, `包養網推薦`, `甜心花園`) and
/// from the well-known families of SEO spam that hacked Chinese-language sites carry (sugar-daddy
/// sites, online casinos). No external list was copied. Spellings are given in Traditional and
/// Simplified script; matching happens on folded text (Traditional → Simplified, NFKC, lowercase),
/// so either spelling (and full-width or upper-case Latin) finds both.
///
/// Users extend the lists with a file (`SpamFilter(extraKeywordsFile:)`), one entry a line:
/// ```
/// # comment
/// 包養           a keyword: removed where the text shows an injection (see SpamFilter)
/// !甜心花園       a spam phrase: removed wherever it stands as a word, unless quoted
/// +車馬費         an affix: joins a keyword hit into one spam span, never a hit on its own
/// ```
public enum SpamKeywords {
    /// Keywords: a hit starts a candidate span. On its own (no affix, no Latin tail) a keyword is
    /// removed only with evidence of an injection (it splits a word or a number); with an affix it
    /// forms a spam compound that is removed unless quoted. Topic words of real news (代孕, 六合彩)
    /// are safe here: a sentence about them keeps them.
    public static let keywords: [String] = [
        // Sugar-daddy ("包養") sites.
        "包養", "包养",
        // Online casinos.
        "娛樂城", "娱乐城", "百家樂", "百家乐", "老虎機", "老虎机", "六合彩", "時時彩", "时时彩",
        "博弈網", "博弈网", "線上賭場", "线上赌场", "真人荷官",
        // Other frequent injections.
        "代孕", "援交",
    ]

    /// Spam phrases: spam wherever they stand as a word (brand-like names of spam sites). Not
    /// `包養網`: it is a keyword with an affix, so `打击包养网站` can keep its 网站.
    public static let phrases: [String] = [
        "甜心花園", "甜心花园", "甜心寶貝", "甜心宝贝",
        "娛樂城註冊", "娱乐城注册", "百家樂技巧", "百家乐技巧",
    ]

    /// Affixes: glue to a keyword (before or after it, several in a row) into one spam span. Never a
    /// hit on their own: `俱樂部`, `價格`, `網` are ordinary words. An affix is taken into the span
    /// only where it ends at a word boundary of the surrounding text (`包养网站`: 网 belongs to 网站,
    /// so it stays).
    public static let affixes: [String] = [
        "網", "网", "甜心", "俱樂部", "俱乐部", "價格", "价格", "經驗", "经验", "心得", "推薦", "推荐",
        "站長", "站长", "意思", "車馬費", "车马费", "行情", "長期", "长期", "短期", "官網", "官网",
        "網址", "网址", "首存", "送彩金", "彩金",
    ]

    /// Single characters spam generators glue before a keyword (`國[一包養經驗]新辦`). Taken into the
    /// span only where they do not form a word with the character before them (`統一` keeps its 一).
    public static let fillers: [String] = ["一"]
}
