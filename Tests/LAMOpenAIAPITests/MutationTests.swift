import LAMJSON
import LAMOpenAIAPI
import LAMTestSupport
import Testing

/// Every path to a value inside a document, as key/index steps.
private enum Step: Hashable { case key(String), index(Int) }

private func paths(in value: JSONValue, prefix: [Step] = []) -> [[Step]] {
    var result = [prefix]
    switch value {
    case .object(let object):
        for (key, member) in object { result += paths(in: member, prefix: prefix + [.key(key)]) }
    case .array(let elements):
        for (index, element) in elements.enumerated() { result += paths(in: element, prefix: prefix + [.index(index)]) }
    default:
        break
    }
    return result
}

/// `value` with the member at `path` replaced (nil removes it).
private func replacing(_ path: ArraySlice<Step>, in value: JSONValue, with replacement: JSONValue?) -> JSONValue? {
    guard let step = path.first else { return replacement }
    switch (step, value) {
    case (.key(let key), .object(var object)):
        object[key] = object[key].flatMap { replacing(path.dropFirst(), in: $0, with: replacement) }
        return .object(object)
    case (.index(let index), .array(var elements)):
        if let element = replacing(path.dropFirst(), in: elements[index], with: replacement) {
            elements[index] = element
        } else {
            elements.remove(at: index)
        }
        return .array(elements)
    default:
        return value
    }
}

private let oddValues: [JSONValue?] = [nil, .null, true, 0, -1, 1e300, "", "x", [], [:], [[:]], .integer(Int.max)]

/// Mutated client requests (a member removed or swapped for a value of another type) must be accepted or
/// rejected with a `FieldError` naming a real place in the document — never crash.
@Test(arguments: try CapturedRequest.all())
func mutatedRequestsAreRejectedCleanly(_ request: CapturedRequest) throws {
    var random = SeededRandom(seed: request.name.utf8.reduce(20_261_127) { $0 &* 31 &+ UInt64($1) })
    let allPaths = paths(in: request.body).filter { !$0.isEmpty }
    for _ in 0..<300 {
        let path = allPaths.randomElement(using: &random)!
        let replacement = oddValues.randomElement(using: &random)!
        guard let mutated = replacing(path[...], in: request.body, with: replacement) else { continue }
        do {
            _ = try request.path == "/v1/chat/completions"
                ? ChatCompletionRequest(json: mutated).json : CompletionRequest(json: mutated).json
        } catch {
            let root = error.field.split(whereSeparator: { $0 == "." || $0 == "[" }).first.map(String.init) ?? ""
            #expect(error.field.isEmpty || mutated[root] != nil || request.body[root] != nil,
                    "error names \(error.field), which is not in the document")
        }
    }
}
