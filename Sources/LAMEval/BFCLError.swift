/// Why an entry could not be scored at all. BFCL's own checker raises (and stops the whole run) in these
/// cases; we report them per entry instead.
public struct BFCLCheckerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
