import IPSearch
#if canImport(Glibc)
import Glibc
#endif

/// `--timeline`: draws `TimelineChart` for the terminal the output goes to.
enum Timeline {
    /// The chart's lines for `monthly` counts, sized and styled for output on `fd`.
    /// `colorNever`: `--color never` was given. `environment` is consulted for COLUMNS and NO_COLOR.
    static func lines(
        monthly: [(month: YearMonth, count: Int)], fd: Int32, colorNever: Bool,
        environment: [String: String]
    ) -> [String] {
        let tty = isatty(fd) == 1
        return TimelineChart.render(
            TimelineChart.bars(monthly: monthly),
            width: width(fd: fd, isTerminal: tty, environment: environment),
            unicode: unicode(isTerminal: tty, colorNever: colorNever, environment: environment))
    }

    /// The terminal's width (TIOCGWINSZ), else COLUMNS, else 80.
    static func width(fd: Int32, isTerminal: Bool, environment: [String: String]) -> Int {
        if isTerminal {
            var size = winsize()
            if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        }
        if let c = environment["COLUMNS"].flatMap({ Int($0) }), c > 0, c <= 10_000 { return c }
        return 80
    }

    /// Block characters on a terminal, unless NO_COLOR (https://no-color.org) or `--color never`.
    static func unicode(isTerminal: Bool, colorNever: Bool, environment: [String: String]) -> Bool {
        if colorNever { return false }
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        return isTerminal
    }
}
