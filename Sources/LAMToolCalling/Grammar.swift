import LAMJSON

/// What a constrained reply may contain, compiled from a JSON Schema (and, for tool calls, from the tools, the
/// `tool_choice` and the model's call format) into a small graph that `GrammarMatcher` runs byte by byte.
///
/// Build one per (tools, choice, format) or per response schema and reuse it across requests; it is immutable.
///
/// What decoding enforces: types, `properties`, `required`, `additionalProperties`, `enum`/`const` (written in
/// Python `json.dumps` form), `anyOf`/`oneOf` (oneOf as anyOf), `items`/`prefixItems`, `minItems`/`maxItems`,
/// `minLength`/`maxLength`, local `$ref` (recursion included). Numeric bounds, `multipleOf`, `uniqueItems`,
/// `min/maxProperties` and `not` are left to validation after decoding (`ToolCallValidator`).
public final class Grammar: Sendable {
    let nodes: [GrammarNode]
    let tries: [ByteTrie]
    let objects: [ObjectShape]
    let choices: [[Int32]]
    let prefixItems: [[Int32]]
    let texts: [[UInt8]]
    let root: Int32
    /// `tool_choice: auto`: a `.freeText` node the reply may be instead of `root` (-1: none).
    let freeText: Int32
    /// The lists of calls (array, tagged blocks) that `GrammarMatcher.closeCallLists()` stops from growing.
    let callLists: Set<Int32>
    /// Consecutive whitespace bytes allowed between JSON tokens (keeps a model from padding forever).
    let maxWhitespace: UInt8
    /// A shortest text for each node (see `GrammarCompletion.swift`).
    let minimalTexts: [[UInt8]?]

    init(builder: GrammarBuilder, root: Int32, freeText: Int32 = -1, callLists: [Int32] = [], maxWhitespace: UInt8) {
        minimalTexts = Self.minimalTexts(builder)
        self.freeText = freeText
        self.callLists = Set(callLists)
        nodes = builder.nodes
        tries = builder.tries
        objects = builder.objects
        choices = builder.choices
        prefixItems = builder.prefixItems
        texts = builder.texts
        self.root = root
        self.maxWhitespace = maxWhitespace
    }

    /// Plain JSON answers (`response_format: {"type": "json_schema", ...}`): one value valid for `schema`.
    /// `strict`: objects take no property their schema does not name unless `additionalProperties` says so
    /// (OpenAI's strict mode; JSON Schema itself allows them by default).
    public convenience init(schema: JSONSchema, strict: Bool = false, maxWhitespace: Int = 16) throws(SchemaError) {
        var builder = GrammarBuilder()
        builder.closedObjects = strict
        let value = try builder.compile(schema)
        builder.finish()
        guard builder.nodes[Int(value)].satisfiable else { throw .tooComplex("no finite JSON value satisfies the schema") }
        self.init(builder: builder, root: value, maxWhitespace: UInt8(clamping: maxWhitespace))
    }

    /// Tool calls in `format`, as `choice` allows (at most one call when `parallelCalls` is false; `strict` as
    /// in `init(schema:strict:)`, for the arguments). Returns nil for `.none` (nothing to constrain).
    public static func toolCalls(
        _ tools: [ToolDefinition], choice: ToolChoice, format: ToolCallFormat, parallelCalls: Bool = true,
        strict: Bool = false, maxWhitespace: Int = 16
    ) throws(SchemaError) -> Grammar? {
        var allowed = tools
        switch choice {
        case .none: return nil
        case .auto, .required: break
        case .function(let name):
            allowed = tools.filter { $0.name == name }
            guard !allowed.isEmpty else { throw .unsupportedForDecoding(pointer: "", "tool_choice names '\(name)', which is not among the tools;") }
        }
        guard !allowed.isEmpty else { throw .unsupportedForDecoding(pointer: "", "a call list without tools") }
        var builder = GrammarBuilder()
        builder.closedObjects = strict
        var arguments: [Int32] = []
        for tool in allowed { arguments.append(try builder.compile(try JSONSchema(tool.parameters))) }
        builder.finish()
        // A tool no finite arguments satisfy is left out, so that no name leads to a dead end.
        let usable = allowed.indices.filter { builder.nodes[Int(arguments[$0])].satisfiable }
        guard !usable.isEmpty else {
            throw .tooComplex("no tool's arguments schema can be satisfied by a finite JSON value")
        }
        let names = usable.map { JSONValue.string(allowed[$0].name) }
        var shape = ObjectShape(
            names: ["name", format.argumentsKey], values: [builder.literal(names), arguments[usable[0]]],
            required: 0b11, additional: -1, ordered: true)
        if usable.count > 1 {
            shape.selectedValues = usable.map { arguments[$0] }
            shape.selectorTexts = names.map { Array($0.pythonJSON().utf8) }
        }
        let call = builder.object(shape)
        let maxCalls: Int32 = parallelCalls ? -1 : 1
        let array = builder.add(GrammarNode(
            kind: .array, minCount: 1, maxCount: maxCalls, item: call, shape: builder.prefixList([])))
        var callLists = [array]
        let own: Int32
        switch format {
        case .xlam: own = array
        case .llama3: own = call
        case .hermes:
            own = builder.add(GrammarNode(
                kind: .taggedList, minCount: 1, maxCount: maxCalls, item: call,
                shape: builder.text(Array("<tool_call>".utf8)), trie: builder.text(Array("</tool_call>".utf8))))
            callLists.append(own)
        }
        // A required call is written in the format the template teaches. In `auto` the model chose to call by
        // typing a trigger, so every shape the parser reads as calls is kept valid: small models drift from
        // their format's opening to a bare JSON object or array, often inside a ```json fence, and list several
        // calls as values one after another (in one fence, or a fence each).
        let root: Int32
        if choice == .auto {
            var bare = builder.add(GrammarNode(kind: .choice, shape: builder.choiceList([array, call])))
            if parallelCalls {
                bare = builder.add(GrammarNode(
                    kind: .taggedList, minCount: 1, maxCount: -1, item: bare, shape: builder.text([]), trie: builder.text([])))
                callLists.append(bare)
            }
            let fenced = builder.add(GrammarNode(
                kind: .taggedList, minCount: 1, maxCount: maxCalls, item: bare,
                shape: builder.text(Array("```json".utf8)), trie: builder.text(Array("```".utf8))))
            if parallelCalls { callLists.append(fenced) }
            let tagged = format == .hermes ? [own] : []
            root = builder.add(GrammarNode(kind: .choice, shape: builder.choiceList([bare] + tagged + [fenced])))
        } else {
            root = own
        }
        let freeText = choice == .auto
            ? builder.add(GrammarNode(kind: .freeText, trie: builder.trie(format.triggers.map { Array($0.utf8) }))) : -1
        builder.finish()
        return Grammar(builder: builder, root: root, freeText: freeText, callLists: callLists,
                       maxWhitespace: UInt8(clamping: maxWhitespace))
    }
}

enum GrammarKind: UInt8, Sendable {
    /// Nothing matches (a `false` schema, an empty enum).
    case never
    /// Alternatives (`anyOf`, `oneOf`, a list of types): `shape` indexes `choices`.
    case choice
    /// One of a set of exact texts (`enum`, `const`, `true`, `null`, a tool name): `trie` indexes `tries`.
    case literal
    case integer
    case number
    /// `minCount`/`maxCount` bound the length in characters (code points).
    case string
    /// `shape` indexes `prefixItems`; `item` is the schema of the items after those (-1: any value);
    /// `minCount`/`maxCount` bound the item count.
    case array
    /// `shape` indexes `objects`.
    case object
    /// Items each wrapped in an opening and a closing tag, e.g. `<tool_call>…</tool_call>` (Hermes):
    /// `shape`/`trie` index `texts` (opening, closing). With empty tags the items follow one another, separated
    /// by whitespace only (`{…} {…}`). `minCount`/`maxCount` bound the item count.
    case taggedList
    /// Text that does not start with any of the triggers (`trie` indexes `tries`); anything goes once it diverges.
    case freeText
}

struct GrammarNode: Sendable {
    var kind: GrammarKind
    var minCount: Int32 = 0
    /// -1: unbounded.
    var maxCount: Int32 = -1
    var item: Int32 = -1
    var shape: Int32 = -1
    var trie: Int32 = -1
    /// Some finite text matches this node (computed by `GrammarBuilder.finish`); the matcher never enters a node
    /// that cannot be completed, so every prefix it accepts can be finished.
    var satisfiable = false
}

struct ObjectShape: Sendable {
    var names: [String]
    var values: [Int32]
    /// Bit i: property i is required.
    var required: UInt64
    /// Schema of other properties; -1: none allowed.
    var additional: Int32
    /// Properties must come in the order given (the call object: "name" before "arguments").
    var ordered: Bool
    /// A call object for several tools: property 0 is a literal whose alternative i (the tool's name) selects
    /// `selectedValues[i]` as the schema of property 1 (its arguments). One object instead of one per tool keeps
    /// the matcher to a single stack while the name is written.
    var selectedValues: [Int32]? = nil
    /// The text of each alternative of property 0, for the shortest-text computation.
    var selectorTexts: [[UInt8]] = []
    /// Trie of the names as JSON strings (quotes included); filled by the builder.
    var keyTrie: Int32 = -1
    /// Bit i: property i's value schema is satisfiable (filled by `finish`).
    var satisfiableValues: UInt64 = 0
    var additionalSatisfiable = false
}

struct GrammarBuilder {
    var nodes: [GrammarNode] = []
    var tries: [ByteTrie] = []
    var objects: [ObjectShape] = []
    var choices: [[Int32]] = []
    var prefixItems: [[Int32]] = []
    var texts: [[UInt8]] = []
    /// Memo per (schema compiled, schema node) so recursive `$ref`s become cycles.
    private var compiled: [SchemaNodeKey: Int32] = [:]
    private var schemasCompiled = 0

    private struct SchemaNodeKey: Hashable {
        var schema: Int
        var node: Int
    }
    private var anyValue: Int32 = -1
    private var depth = 0
    /// Strict mode: an object schema without `additionalProperties` takes no extra properties.
    var closedObjects = false

    mutating func add(_ node: GrammarNode) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    mutating func choiceList(_ list: [Int32]) -> Int32 {
        choices.append(list)
        return Int32(choices.count - 1)
    }

    mutating func prefixList(_ list: [Int32]) -> Int32 {
        prefixItems.append(list)
        return Int32(prefixItems.count - 1)
    }

    mutating func text(_ bytes: [UInt8]) -> Int32 {
        texts.append(bytes)
        return Int32(texts.count - 1)
    }

    mutating func trie(_ strings: [[UInt8]]) -> Int32 {
        tries.append(ByteTrie(strings))
        return Int32(tries.count - 1)
    }

    /// A node matching exactly these values, written as Python's `json.dumps` writes them.
    mutating func literal(_ values: [JSONValue]) -> Int32 {
        guard !values.isEmpty else { return add(GrammarNode(kind: .never)) }
        return add(GrammarNode(kind: .literal, trie: trie(values.map { Array($0.pythonJSON().utf8) })))
    }

    mutating func object(_ shape: ObjectShape) -> Int32 {
        var shape = shape
        tries.append(ByteTrie(shape.names.map { Array(JSONValue.string($0).pythonJSON().utf8) }))
        shape.keyTrie = Int32(tries.count - 1)
        objects.append(shape)
        return add(GrammarNode(kind: .object, shape: Int32(objects.count - 1)))
    }

    /// Any JSON value at all.
    mutating func any() -> Int32 {
        if anyValue >= 0 { return anyValue }
        let choice = add(GrammarNode(kind: .choice))
        anyValue = choice
        let scalars = literal([.null, .bool(true), .bool(false)])
        let number = add(GrammarNode(kind: .number))
        let string = add(GrammarNode(kind: .string))
        let array = add(GrammarNode(kind: .array, item: choice, shape: prefixList([])))
        let object = object(ObjectShape(names: [], values: [], required: 0, additional: choice, ordered: false))
        nodes[Int(choice)].shape = choiceList([scalars, number, string, array, object])
        return choice
    }

    mutating func compile(_ schema: JSONSchema) throws(SchemaError) -> Int32 {
        schemasCompiled += 1
        return try compile(schema, schema.root, base: schemasCompiled)
    }

    private mutating func compile(_ schema: JSONSchema, _ id: Int, base: Int) throws(SchemaError) -> Int32 {
        if let done = compiled[SchemaNodeKey(schema: base, node: id)] { return done }
        guard depth < 256 else { throw .tooComplex("schemas nested more than 256 deep") }
        depth += 1
        defer { depth -= 1 }
        let node = schema.nodes[id]
        if node.rejectsEverything { return add(GrammarNode(kind: .never)) }
        if node.not != nil { throw .unsupportedForDecoding(pointer: node.pointer, "'not'") }
        let hasOwnAssertions = node.types != nil || node.allowedValues != nil || !node.properties.isEmpty
            || !node.required.isEmpty || node.additionalProperties != nil || node.items != nil || !node.prefixItems.isEmpty
            || node.minItems > 0 || node.maxItems != nil || node.minLength > 0 || node.maxLength != nil
        // A pure reference or a pure alternative: compile the target(s) in place of this node.
        if !hasOwnAssertions {
            let branches = node.allOf.count + (node.anyOf == nil ? 0 : 1) + (node.oneOf == nil ? 0 : 1)
            if branches > 1 {
                throw .unsupportedForDecoding(pointer: node.pointer, "combining allOf/$ref with anyOf/oneOf")
            }
            if let target = node.allOf.first {
                let placeholder = add(GrammarNode(kind: .choice))
                compiled[SchemaNodeKey(schema: base, node: id)] = placeholder
                nodes[Int(placeholder)].shape = choiceList([try compile(schema, target, base: base)])
                return placeholder
            }
            if let alternatives = node.anyOf ?? node.oneOf {
                let placeholder = add(GrammarNode(kind: .choice))
                compiled[SchemaNodeKey(schema: base, node: id)] = placeholder
                var list: [Int32] = []
                for alternative in alternatives { list.append(try compile(schema, alternative, base: base)) }
                nodes[Int(placeholder)].shape = choiceList(list)
                return placeholder
            }
            if node.allOf.isEmpty {
                let value = any()
                compiled[SchemaNodeKey(schema: base, node: id)] = value
                return value
            }
        }
        if !node.allOf.isEmpty || node.anyOf != nil || node.oneOf != nil {
            throw .unsupportedForDecoding(pointer: node.pointer, "allOf/$ref/anyOf/oneOf beside other keywords")
        }
        if let allowed = node.allowedValues {
            var plain = node
            plain.allowedValues = nil
            let check = JSONSchema(nodes: schema.nodes, replacing: id, with: plain)
            let value = literal(allowed.filter { check.isValid($0, at: id) })
            compiled[SchemaNodeKey(schema: base, node: id)] = value
            return value
        }
        let placeholder = add(GrammarNode(kind: .choice))
        compiled[SchemaNodeKey(schema: base, node: id)] = placeholder
        let types = node.types ?? .all
        var list: [Int32] = []
        if types.contains(.null) { list.append(literal([.null])) }
        if types.contains(.boolean) { list.append(literal([.bool(true), .bool(false)])) }
        if types.contains(.number) {
            list.append(add(GrammarNode(kind: .number)))
        } else if types.contains(.integer) {
            list.append(add(GrammarNode(kind: .integer)))
        }
        if types.contains(.string) {
            list.append(add(GrammarNode(kind: .string, minCount: try count(node.minLength, node), maxCount: try count(node.maxLength, node))))
        }
        if types.contains(.array) {
            var prefix: [Int32] = []
            for item in node.prefixItems { prefix.append(try compile(schema, item, base: base)) }
            let rest = try node.items.map { (item) throws(SchemaError) in try compile(schema, item, base: base) } ?? any()
            list.append(add(GrammarNode(
                kind: .array, minCount: try count(node.minItems, node), maxCount: try count(node.maxItems, node),
                item: rest, shape: prefixList(prefix))))
        }
        if types.contains(.object) {
            guard node.properties.count <= 64 else {
                throw .tooComplex("more than 64 properties in one object at '\(node.pointer)'")
            }
            var values: [Int32] = []
            for (_, property) in node.properties { values.append(try compile(schema, property, base: base)) }
            var required: UInt64 = 0
            var additional = try node.additionalProperties.map { (extra) throws(SchemaError) in try compile(schema, extra, base: base) }
                ?? (closedObjects ? add(GrammarNode(kind: .never)) : any())
            var names = Array(node.properties.keys)
            for name in node.required {
                if let index = names.firstIndex(of: name) {
                    required |= 1 << UInt64(index)
                } else {
                    // Required but not listed: its value follows additionalProperties.
                    guard names.count < 64 else { throw .tooComplex("more than 64 properties in one object at '\(node.pointer)'") }
                    names.append(name)
                    values.append(additional)
                    required |= 1 << UInt64(names.count - 1)
                }
            }
            if nodes[Int(additional)].kind == .never { additional = -1 }
            list.append(object(ObjectShape(names: names, values: values, required: required, additional: additional, ordered: false)))
        }
        nodes[Int(placeholder)].shape = choiceList(list)
        return placeholder
    }

    private func count(_ value: Int, _ node: SchemaNode) throws(SchemaError) -> Int32 {
        guard value < Int(Int32.max) else { throw .tooComplex("a length bound above 2^31 at '\(node.pointer)'") }
        return Int32(value)
    }

    private func count(_ value: Int?, _ node: SchemaNode) throws(SchemaError) -> Int32 {
        guard let value else { return -1 }
        return try count(value, node)
    }

    /// Marks which nodes some finite text satisfies (a least fixed point, so `{"a": {"$ref": "#"}}` with "a"
    /// required is unsatisfiable), and records per object which property values can be completed.
    mutating func finish() {
        var changed = true
        while changed {
            changed = false
            for index in nodes.indices where !nodes[index].satisfiable {
                if isSatisfiable(nodes[index]) {
                    nodes[index].satisfiable = true
                    changed = true
                }
            }
        }
        for index in objects.indices {
            var bits: UInt64 = 0
            for (slot, value) in objects[index].values.enumerated() {
                let selected = slot == 1 ? objects[index].selectedValues : nil
                if selected?.contains(where: { nodes[Int($0)].satisfiable }) ?? nodes[Int(value)].satisfiable {
                    bits |= 1 << UInt64(slot)
                }
            }
            objects[index].satisfiableValues = bits
            let additional = objects[index].additional
            objects[index].additionalSatisfiable = additional >= 0 && nodes[Int(additional)].satisfiable
        }
    }

    private func isSatisfiable(_ node: GrammarNode) -> Bool {
        func ok(_ id: Int32) -> Bool { id < 0 || nodes[Int(id)].satisfiable }
        switch node.kind {
        case .never: return false
        case .choice: return choices[Int(node.shape)].contains { ok($0) }
        case .literal: return tries[Int(node.trie)].nodeCount > 1 || tries[Int(node.trie)].valueCount[0] > 0
        case .integer, .number, .freeText: return true
        case .string: return node.maxCount < 0 || node.minCount <= node.maxCount
        case .array:
            guard node.maxCount < 0 || node.minCount <= node.maxCount else { return false }
            let prefix = prefixItems[Int(node.shape)]
            for index in 0..<Int(node.minCount) {
                if !ok(index < prefix.count ? prefix[index] : node.item) { return false }
                if index >= prefix.count { break }
            }
            return true
        case .object:
            let shape = objects[Int(node.shape)]
            for (slot, value) in shape.values.enumerated() where shape.required & (1 << UInt64(slot)) != 0 {
                if let selected = shape.selectedValues, slot == 1 {
                    if !selected.contains(where: ok) { return false }
                } else if !ok(value) {
                    return false
                }
            }
            return true
        case .taggedList: return node.minCount == 0 || ok(node.item)
        }
    }
}

extension JSONSchema {
    /// This schema with one node replaced (used to test enum values against the rest of their schema).
    init(nodes: [SchemaNode], replacing id: Int, with node: SchemaNode) {
        var copy = nodes
        copy[id] = node
        self.init(root: id, nodes: copy)
    }
}
