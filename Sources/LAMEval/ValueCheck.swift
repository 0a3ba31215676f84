import LAMJSON

/// BFCL's value comparisons once the type is right: strings after standardization (case, spaces and
/// `,./-_*^` ignored), lists element-wise with their strings standardized, dicts key by key, lists of dicts
/// position by position. Each takes the parameter's list of accepted alternatives.
enum ValueCheck {
    static func string(_ value: JSONValue, accepted: [JSONValue]) -> BFCLVerdict {
        guard case .string(let text) = value else { return .wrong("value_error:string", "not a string") }
        let wanted = Python.standardize(text)
        let matches = accepted.contains { alternative in
            if case .string(let option) = alternative { Python.sameScalars(Python.standardize(option), wanted) } else { false }
        }
        return matches ? .correct : .wrong("value_error:string", "Invalid value \(value.compactJSON). Case insensitive.")
    }

    static func list(_ value: JSONValue, accepted: [JSONValue]) throws(BFCLCheckerError) -> BFCLVerdict {
        guard case .array(let items) = value else { throw BFCLCheckerError("list check on a non-list") }
        let given = JSONValue.array(items.map(standardized))
        var options: [JSONValue] = []
        for alternative in accepted {
            guard let elements = Python.items(alternative) else { throw BFCLCheckerError("accepted list value is not a list") }
            options.append(.array(elements.map(standardized)))
        }
        return Python.contains(options, given)
            ? .correct : .wrong("value_error:list/tuple", "Invalid value \(value.compactJSON).")
    }

    static func dictionary(_ value: JSONValue, accepted: [JSONValue]) throws(BFCLCheckerError) -> BFCLVerdict {
        guard case .object(let given) = value else { throw BFCLCheckerError("dict check on a non-dict") }
        var verdict = BFCLVerdict.wrong("dict_checker:unclear", "")
        for alternative in accepted where !Python.isEmptyString(alternative) {
            guard case .object(let expected) = alternative else { throw BFCLCheckerError("accepted dict value is not a dict") }
            verdict = .wrong("dict_checker:unclear", "")
            var fits = true
            for (key, member) in given {
                guard let options = expected[key] else {
                    verdict = .wrong("value_error:dict_key", "Unexpected dict key parameter: '\(key)'.")
                    fits = false
                    break
                }
                guard let optionList = Python.items(options) else { throw BFCLCheckerError("accepted dict member is not a list") }
                if !Python.contains(optionList.map(standardized), standardized(member)) {
                    verdict = .wrong("value_error:dict_value", "Invalid value for parameter '\(key)': \(member.compactJSON).")
                    fits = false
                    break
                }
            }
            // BFCL runs this loop even after a mismatch above, so its error type can replace that one.
            for (key, options) in expected where given[key] == nil {
                if !Python.contains(Python.items(options) ?? [], "") {
                    verdict = .wrong("value_error:dict_key", "Missing dict key parameter: '\(key)'.")
                    fits = false
                    break
                }
            }
            if fits { return .correct }
        }
        return verdict
    }

    static func listOfDictionaries(_ value: JSONValue, accepted: [JSONValue]) throws(BFCLCheckerError) -> BFCLVerdict {
        guard case .array(let items) = value else { throw BFCLCheckerError("list check on a non-list") }
        var verdict = BFCLVerdict.wrong("list_dict_checker:unclear", "")
        for alternative in accepted {
            guard let expected = Python.items(alternative) else { throw BFCLCheckerError("accepted list value is not a list") }
            guard items.count == expected.count else {
                verdict = .wrong("value_error:list_dict_count", "Wrong number of dictionaries in the list.")
                continue
            }
            var fits = true
            for (item, expectedItem) in zip(items, expected) {
                verdict = try dictionary(item, accepted: [expectedItem])
                if !verdict.valid {
                    fits = false
                    break
                }
            }
            if fits { return .correct }
        }
        return verdict
    }

    private static func standardized(_ value: JSONValue) -> JSONValue {
        if case .string(let text) = value { .string(Python.standardize(text)) } else { value }
    }
}
