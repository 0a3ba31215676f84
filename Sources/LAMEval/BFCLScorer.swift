import LAMJSON

/// Scores one model answer the way BFCL's eval runner does for the xLAM handler: decode the text, check the
/// shape, then run the AST checker (or, for relevance categories, only ask whether a call came out).
public struct BFCLScorer: Sendable {
    public var dotsBecameUnderscores: Bool

    public init(dotsBecameUnderscores: Bool = false) {
        self.dotsBecameUnderscores = dotsBecameUnderscores
    }

    public func score(_ output: String, entry: BFCLEntry, possibleAnswer: [JSONValue]?) throws(BFCLCheckerError) -> BFCLVerdict {
        let category = entry.category
        switch category.scoring {
        case .relevance, .irrelevance:
            let madeCall: Bool
            if let calls = try? XLAMOutputDecoder.decode(output) {
                madeCall = XLAMOutputDecoder.isWellFormed(calls) && !calls.isEmpty
            } else {
                madeCall = false
            }
            if category.scoring == .irrelevance {
                return madeCall ? .wrong("irrelevance_error:decoder_success", "Valid syntax. Successfully decoded a call when none was expected.") : .correct
            }
            return madeCall ? .correct : .wrong("relevance_error:decoder_failed", "Invalid syntax. Failed to decode a call.")
        case .ast:
            guard let possibleAnswer else { throw BFCLCheckerError("entry \(entry.id) has no possible answer") }
            let calls: [DecodedCall]
            do {
                calls = try XLAMOutputDecoder.decode(output)
            } catch {
                return .wrong("ast_decoder:decoder_failed", "Invalid syntax. Failed to decode AST. \(error)")
            }
            guard XLAMOutputDecoder.isWellFormed(calls) else {
                return .wrong("ast_decoder:decoder_wrong_output_format", "Did not output in the specified format.")
            }
            let checker = ASTChecker(language: category.language, dotsBecameUnderscores: dotsBecameUnderscores)
            return try checker.check(functions: entry.functions, calls: calls, possibleAnswer: possibleAnswer, category: category.rawValue)
        }
    }
}
