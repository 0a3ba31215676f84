import LAMJSON

/// The source language a BFCL category's functions are written in; it decides how argument values are typed.
public enum BFCLLanguage: String, Sendable {
    case python, java, javascript
}

/// One decoded call, `{name: arguments}` in BFCL's terms. The name is whatever JSON value the model wrote
/// (BFCL accepts any hashable one); the arguments must be an object for the call to be well-formed.
public struct DecodedCall: Sendable, Equatable {
    public var name: JSONValue
    public var arguments: JSONValue
    public init(name: JSONValue, arguments: JSONValue) {
        self.name = name
        self.arguments = arguments
    }
}

/// An entry's verdict. `errorType` uses BFCL's own error-type names (`value_error:string`, …) so reports
/// and the agreement test can compare them with the official checker's.
public struct BFCLVerdict: Sendable, Equatable {
    public var valid: Bool
    public var errorType: String?
    public var message: String?

    public static let correct = BFCLVerdict(valid: true, errorType: nil, message: nil)
    public static func wrong(_ errorType: String, _ message: String) -> BFCLVerdict {
        BFCLVerdict(valid: false, errorType: errorType, message: message)
    }
}

/// A Swift port of BFCL's AST checker (`bfcl_eval/eval_checker/ast_eval/ast_checker.py`): it decides whether
/// decoded calls match one of an entry's possible answers, rule for rule, quirks included — the point is
/// to score exactly as the leaderboard does.
public struct ASTChecker: Sendable {
    public var language: BFCLLanguage
    /// Whether the model's API replaced `.` in function names by `_` (BFCL's `underscore_to_dot`).
    public var dotsBecameUnderscores: Bool

    public init(language: BFCLLanguage, dotsBecameUnderscores: Bool = false) {
        self.language = language
        self.dotsBecameUnderscores = dotsBecameUnderscores
    }

    /// `ast_checker`: routes by category name the way BFCL does (substring tests on the name).
    public func check(
        functions: [JSONValue], calls: [DecodedCall], possibleAnswer: [JSONValue], category: String
    ) throws(BFCLCheckerError) -> BFCLVerdict {
        if category.contains("parallel") {
            return try checkParallel(functions: functions, calls: calls, answers: possibleAnswer)
        }
        if category.contains("multiple") {
            guard calls.count == possibleAnswer.count else {
                return .wrong("multiple_function_checker:wrong_count", "Wrong number of functions.")
            }
            guard let answer = possibleAnswer.first else { throw BFCLCheckerError("no possible answer") }
            return try checkCall(try description(in: functions, for: answer), calls[0], answer)
        }
        guard calls.count == 1 else {
            return .wrong("simple_function_checker:wrong_count", "Wrong number of functions.")
        }
        guard let function = functions.first, let answer = possibleAnswer.first else {
            throw BFCLCheckerError("entry has no function or no possible answer")
        }
        return try checkCall(function, calls[0], answer)
    }

    /// Parallel calls match in any order: each possible answer takes the first unmatched call that fits it.
    private func checkParallel(
        functions: [JSONValue], calls: [DecodedCall], answers: [JSONValue]
    ) throws(BFCLCheckerError) -> BFCLVerdict {
        guard calls.count == answers.count else {
            return .wrong("parallel_function_checker_no_order:wrong_count", "Wrong number of functions.")
        }
        var matched = Set<Int>()
        for (answerIndex, answer) in answers.enumerated() {
            let function = try description(in: functions, for: answer)
            var found = false
            for index in calls.indices where !matched.contains(index) {
                if try checkCall(function, calls[index], answer).valid {
                    matched.insert(index)
                    found = true
                    break
                }
            }
            if !found {
                return .wrong(
                    "parallel_function_checker_no_order:cannot_find_match",
                    "No call matches possible answer \(answerIndex)."
                )
            }
        }
        return .correct
    }

    private func description(in functions: [JSONValue], for answer: JSONValue) throws(BFCLCheckerError) -> JSONValue {
        guard let name = answer.objectValue?.keys.first else { throw BFCLCheckerError("possible answer is not {name: params}") }
        guard let function = functions.first(where: { $0["name"]?.stringValue.map { Python.sameScalars($0, name) } == true }) else {
            throw BFCLCheckerError("possible answer names \(name), which is not among the entry's functions")
        }
        return function
    }

    private func expectedName(_ name: String) -> String {
        dotsBecameUnderscores ? name.replacingOccurrences(of: ".", with: "_") : name
    }

    /// `simple_function_checker`: one call against one `{name: {param: [possible values]}}` answer.
    func checkCall(_ function: JSONValue, _ call: DecodedCall, _ answer: JSONValue) throws(BFCLCheckerError) -> BFCLVerdict {
        guard let possible = answer.objectValue?.values.first?.objectValue,
              let rawName = function["name"]?.stringValue,
              let details = function["parameters"]?["properties"]?.objectValue,
              let required = function["parameters"]?["required"]?.arrayValue
        else { throw BFCLCheckerError("malformed function description or possible answer") }

        let name = expectedName(rawName)
        guard case .string(let calledName) = call.name, Python.sameScalars(calledName, name) else {
            return .wrong("simple_function_checker:wrong_func_name", "Function name \(name) not found in model output.")
        }
        guard let arguments = call.arguments.objectValue else { throw BFCLCheckerError("arguments are not an object") }

        for parameter in required {
            guard let key = parameter.stringValue else { throw BFCLCheckerError("required entry is not a string") }
            if arguments[key] == nil {
                return .wrong("simple_function_checker:missing_required", "Missing required parameter: \(key).")
            }
        }

        for (parameter, given) in arguments {
            guard let detail = details[parameter], let accepted = possible[parameter]?.arrayValue else {
                return .wrong("simple_function_checker:unexpected_param", "Unexpected parameter: \(parameter).")
            }
            if let verdict = try checkArgument(parameter, given, detail: detail, accepted: accepted) { return verdict }
        }

        for (parameter, accepted) in possible where arguments[parameter] == nil {
            if !Python.contains(accepted.arrayValue ?? [], "") {
                return .wrong(
                    "simple_function_checker:missing_optional",
                    "Optional parameter \(parameter) not provided and not marked as optional."
                )
            }
        }
        return .correct
    }

    /// Types the argument per the language, then compares it with the accepted values; nil when it passes.
    private func checkArgument(
        _ parameter: String, _ given: JSONValue, detail: JSONValue, accepted: [JSONValue]
    ) throws(BFCLCheckerError) -> BFCLVerdict? {
        guard let typeName = detail["type"]?.stringValue else { throw BFCLCheckerError("parameter \(parameter) has no type") }
        var value = given
        let expected: PythonType
        var nested: PythonType?

        switch language {
        case .python:
            guard let mapped = Self.pythonTypes[typeName] else { throw BFCLCheckerError("unsupported Python type \(typeName)") }
            expected = mapped
            if typeName == "array" || typeName == "tuple" { nested = try itemType(detail, Self.pythonTypes) }
            // Python accepts an int where a float is declared.
            if typeName == "float", case .integer(let number) = value { value = .double(Double(number)) }
        case .java, .javascript:
            let table = language == .java ? JavaValueConverter.pythonTypes : JavaScriptValueConverter.pythonTypes
            guard let mapped = table[typeName] else { throw BFCLCheckerError("unsupported \(language) type \(typeName)") }
            expected = mapped
            guard case .string(let text) = value else {
                let tag = language == .java ? "type_error:java" : "type_error:js"
                return .wrong(tag, "Incorrect type for parameter \(parameter). Expected type String, got \(Python.type(of: value)).")
            }
            let isCollection = ["Array", "ArrayList", "array"].contains(typeName)
            let nestedName = isCollection ? detail["items"]?["type"]?.stringValue : nil
            if isCollection {
                guard let nestedName, let mappedItem = table[nestedName] else { throw BFCLCheckerError("missing or unsupported item type for \(parameter)") }
                nested = mappedItem
            }
            value = language == .java
                ? try JavaValueConverter.convert(text, type: typeName, nested: nestedName)
                : try JavaScriptValueConverter.convert(text, type: typeName, nested: nestedName)
        }

        let typing = TypeCheck.check(value, accepted: accepted, expected: expected, nested: nested)
        guard typing.valid else {
            return .wrong(typing.errorType, "Incorrect type for parameter \(parameter). Expected \(expected), got \(Python.type(of: value)).")
        }

        if !typing.isVariable {
            if expected == .dict {
                let verdict = try ValueCheck.dictionary(value, accepted: accepted)
                return verdict.valid ? nil : verdict
            }
            if expected == .list && nested == .dict {
                let verdict = try ValueCheck.listOfDictionaries(value, accepted: accepted)
                return verdict.valid ? nil : verdict
            }
            if expected == .str {
                let verdict = ValueCheck.string(value, accepted: accepted)
                return verdict.valid ? nil : verdict
            }
            if expected == .list {
                let verdict = try ValueCheck.list(value, accepted: accepted)
                return verdict.valid ? nil : verdict
            }
        }
        if !Python.contains(accepted, value) {
            return .wrong("value_error:others", "Invalid value for parameter \(parameter): \(value.compactJSON).")
        }
        return nil
    }

    private func itemType(_ detail: JSONValue, _ table: [String: PythonType]) throws(BFCLCheckerError) -> PythonType {
        guard let name = detail["items"]?["type"]?.stringValue, let type = table[name] else {
            throw BFCLCheckerError("array parameter without a supported item type")
        }
        return type
    }

    static let pythonTypes: [String: PythonType] = [
        "string": .str, "integer": .int, "float": .float, "boolean": .bool, "array": .list, "tuple": .list,
        "dict": .dict, "any": .str,
    ]
}
