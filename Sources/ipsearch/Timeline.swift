import IPSearch
#if canImport(Glibc)
import Glibc
#endif

/// `--timeline`: draws `TimelineChart` for the terminal the output goes to.
enum Timeline {
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
