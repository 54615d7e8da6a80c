/// A subcommand's arguments, read in order: options with a value, flags and one positional
/// directory. Every subcommand parses through it, so a missing or bad value is reported alike.
struct Arguments {
    private let args: [String]
    private var i = -1

    init(_ args: [String]) { self.args = args }

    /// The next argument (an option name, a flag or a positional value), nil at the end.
    mutating func next() -> String? {
        i += 1
        return i < args.count ? args[i] : nil
    }

    /// The value of option `name` (the argument after it).
    mutating func value(of name: String) throws(UsageError) -> String {
        i += 1
        guard i < args.count else { throw UsageError(description: "\(name) needs a value") }
        return args[i]
    }

    /// An integer value of option `name`, at least `min`.
    mutating func integer(of name: String, min: Int) throws(UsageError) -> Int {
        guard let n = Int(try value(of: name)), n >= min else { throw UsageError(description: "\(name) needs an integer ≥ \(min)") }
        return n
    }

    /// A number value of option `name` that passes `ok`; `requirement` says which (`"in (0, 1]"`).
    mutating func number(of name: String, _ requirement: String, _ ok: (Double) -> Bool) throws(UsageError) -> Double {
        guard let x = Double(try value(of: name)), ok(x) else { throw UsageError(description: "\(name) needs a number \(requirement)") }
        return x
    }

    /// `argument` as the one positional directory (`directory` holds the one seen so far).
    static func directory(_ argument: String, after directory: String?) throws(UsageError) -> String {
        if argument.hasPrefix("-") { throw UsageError(description: "unknown option \(argument)") }
        if directory != nil { throw UsageError(description: "only one directory, please") }
        return argument
    }
}

/// A command-line mistake; `description` says which argument.
struct UsageError: Error, CustomStringConvertible { let description: String }
