import Foundation
import LAMTokenizer
enum TokenizerLoading {
    static func tokenizer(for model: String) throws -> Tokenizer {
        try Tokenizer(tokenizerJSON: URL(fileURLWithPath: NSHomeDirectory() + "/.cache/swiftlam/tokenizer-json/\(model).tokenizer.json"))
    }
}
