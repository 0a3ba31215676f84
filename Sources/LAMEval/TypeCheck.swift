import LAMJSON

/// BFCL's `type_checker`: is the value of the declared type, or of the type the possible answers have
/// (a "variable": the answer names a variable as a string where the schema declares, say, an integer)?
/// Nested checking goes one level deep, as BFCL's does.
enum TypeCheck {
    struct Outcome {
        var valid: Bool
        var isVariable: Bool
        var errorType: String
    }

    static func check(_ value: JSONValue, accepted: [JSONValue], expected: PythonType, nested: PythonType?) -> Outcome {
        let answerType = accepted.first { !Python.isEmptyString($0) }.map(Python.type(of:))
        let isVariable = answerType.map { $0 != expected } ?? false
        var outcome = Outcome(valid: true, isVariable: false, errorType: "type_error:simple")

        if Python.type(of: value) == expected {
            guard let nested else {
                outcome.isVariable = isVariable
                return outcome
            }
            for alternative in accepted {
                var fits = true
                if case .array(let inner) = alternative, case .array(let items) = value {
                    fits = items.allSatisfy { check($0, accepted: inner, expected: nested, nested: nil).valid }
                }
                if fits { return Outcome(valid: true, isVariable: isVariable, errorType: "type_error:simple") }
            }
            outcome = Outcome(valid: false, isVariable: false, errorType: "type_error:nested")
        }

        // BFCL falls through to here after a failed nested check as well.
        if let answerType, Python.type(of: value) == answerType {
            outcome.isVariable = true
            return outcome
        }
        return Outcome(valid: false, isVariable: false, errorType: "type_error:simple")
    }
}
